package dev.harness.config;

/** Bootstrap resamples, interval level, the seed of every resampling, and the transition rule. */
public record AnalysisConfig(Integer bootstrapIters, Double ci, Long seed, TransitionConfig transition) {
  public AnalysisConfig {
    bootstrapIters = bootstrapIters == null ? 10_000 : bootstrapIters;
    ci = ci == null ? 0.95 : ci;
    seed = seed == null ? 12345L : seed;
    transition = transition == null ? new TransitionConfig(null, null, null, null) : transition;
  }
}
