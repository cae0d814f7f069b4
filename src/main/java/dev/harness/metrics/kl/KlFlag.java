package dev.harness.metrics.kl;

/** Caveats attached to a prompt's divergence; every one is printed beside the value. */
public enum KlFlag {
  /** Mean covered mass Σ_U p below the --min-coverage threshold: the lower bound may be far below the KL. */
  LOW_COVERAGE,
  /** The value is +∞ (a side put positive mass where the other put none). */
  INFINITE,
  /** Only one sample pair: the CI is degenerate. */
  SINGLE_SAMPLE,
  /** No position could be compared: the value is NaN. */
  NO_TOKENS,
  /**
   * topk_rest could not be computed: at no position did both sides carry a top-k list (e.g. teacher-forced cross
   * scores written without top_logprobs). The value is n/a, never 0; use mc on such dumps.
   */
  NO_TOPK,
  /** Only one direction could be computed (the symmetric mean is that direction). */
  ONE_DIRECTION,
  /** Positions of independently sampled responses were compared with no check that their prefixes agree. */
  POSITIONAL_ALIGNMENT,
  /** topk_lookup skipped sampled tokens absent from the other model's top-k. */
  SKIPPED_TOKENS,
  /** A top-k list held the same token text twice (merged by summing probabilities). */
  DUPLICATE_TOKEN_TEXT,
  /** A top-k list's shared mass exceeded 1 (invalid input). */
  MASS_ABOVE_ONE,
  /** Biased estimator (topk_lookup). */
  BIASED
}
