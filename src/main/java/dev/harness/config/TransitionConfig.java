package dev.harness.config;

/**
 * Transition rule: the first bin whose paired test rejects after Holm correction at family-wise {@code alpha} and whose
 * mean falls below {@code threshold} × baseline; {@code metric} is the headline score. {@code family} says which tests
 * share the Holm family: {@code headline} (default) — the headline metric's (budget × bin) tests are the confirmatory
 * family and every other metric is its own exploratory family; {@code all_metrics} — every (budget × bin × metric)
 * test in one family.
 */
public record TransitionConfig(Double threshold, String metric, Double alpha, String family) {
  /** The values {@code family} may take. */
  public static final java.util.Set<String> FAMILIES = java.util.Set.of("headline", "all_metrics");

  public TransitionConfig {
    threshold = threshold == null ? 0.7 : threshold;
    metric = metric == null ? "f1" : metric;
    alpha = alpha == null ? 0.05 : alpha;
    family = family == null ? "headline" : family;
  }
}
