package dev.harness.metrics.kl;

/**
 * Settings of a prompt-level estimate.
 *
 * @param minCoverage covered-mass threshold below which a position (and a prompt, on its mean) is low-coverage
 * @param bootstrapIters percentile-bootstrap resamples over sample pairs
 * @param ciLevel two-sided level of the interval (0.95)
 * @param seed base seed; each prompt's resampling is seeded from it and the prompt id, so order does not matter
 */
public record KlOptions(double minCoverage, int bootstrapIters, double ciLevel, long seed) {
  public static final KlOptions DEFAULT = new KlOptions(0.5, 10_000, 0.95, 0L);

  public KlOptions {
    if (!(minCoverage >= 0 && minCoverage <= 1)) throw new IllegalArgumentException("minCoverage must be in [0, 1]");
    if (bootstrapIters < 0) throw new IllegalArgumentException("bootstrapIters must be >= 0");
    if (!(ciLevel > 0 && ciLevel < 1)) throw new IllegalArgumentException("ciLevel must be in (0, 1)");
  }
}
