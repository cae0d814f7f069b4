package dev.harness.config;

/** Checks the mc_eval study's sections once the config's shape is right. */
final class McValidation {
  private McValidation() {}

  static void validate(ExperimentConfig c, String file) {
  }
}
