package dev.harness.config;

/** The {@code kl:} section — kl study: samples per prompt, estimator, top-k, top N. */
public record KlConfig() {
  public static KlConfig defaults() { return new KlConfig(); }
}
