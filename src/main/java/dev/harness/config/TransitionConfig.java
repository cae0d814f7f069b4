package dev.harness.config;

/**
 * Transition rule: the first bin whose paired test rejects after Holm correction at family-wise {@code alpha} and whose
 * mean falls below {@code threshold} × baseline; {@code metric} is the headline score.
 */
public record TransitionConfig(Double threshold, String metric, Double alpha) {
  public TransitionConfig {
    threshold = threshold == null ? 0.7 : threshold;
    metric = metric == null ? "f1" : metric;
    alpha = alpha == null ? 0.05 : alpha;
  }
}
