package dev.harness.config;

/** Transition rule: first bin whose mean falls below {@code threshold} × baseline; {@code metric} is the score used. */
public record TransitionConfig(Double threshold, String metric) {
  public TransitionConfig {
    threshold = threshold == null ? 0.7 : threshold;
    metric = metric == null ? "f1" : metric;
  }
}
