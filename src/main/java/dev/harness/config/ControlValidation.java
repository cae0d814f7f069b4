package dev.harness.config;

/** Checks the output_control study's sections once the config's shape is right. */
final class ControlValidation {
  private ControlValidation() {}

  static void validate(ExperimentConfig c, String file) {
  }
}
