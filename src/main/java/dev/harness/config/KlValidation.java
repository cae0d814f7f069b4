package dev.harness.config;

/** Checks the kl study's sections once the config's shape is right. */
final class KlValidation {
  private KlValidation() {}

  static void validate(ExperimentConfig c, String file) {
  }
}
