package dev.harness.study.kl;

import java.util.List;

/**
 * The {@code kl:} section — kl study.
 *
 * @param samples responses drawn per prompt and variant
 * @param estimator {@code mc} (default), {@code topk_rest} or {@code topk_lookup}
 * @param topLogprobs alternatives kept per position (0–20)
 * @param topN prompts shown in full in the report
 * @param pair the two variant names compared (A, B); default the first two of {@code engines}
 * @param minCoverage covered-mass threshold below which topk_rest flags a prompt LOW_COVERAGE
 * @param alignment {@code matched} (default) or {@code positional}: how topk estimators pair positions of
 *     independent samples when there are no teacher-forced scores
 */
public record KlConfig(Integer samples, String estimator, Integer topLogprobs, Integer topN, List<String> pair,
    Double minCoverage, String alignment) {
  public KlConfig {
    samples = samples == null ? 4 : samples;
    estimator = estimator == null ? "mc" : estimator;
    topLogprobs = topLogprobs == null ? 20 : topLogprobs;
    topN = topN == null ? 10 : topN;
    pair = pair == null ? List.of() : List.copyOf(pair);
    minCoverage = minCoverage == null ? 0.5 : minCoverage;
    alignment = alignment == null ? "matched" : alignment;
  }

  public static KlConfig defaults() { return new KlConfig(null, null, null, null, null, null, null); }
}
