package dev.harness.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Which transition tests share one Holm family (issue #13 §1 with issue #17's curves).
 *
 * <p>{@link #HEADLINE} (the default): the first input — the study's headline metric — is the <i>confirmatory</i>
 * family, Holm over its (budget × bin) tests at α; every other input is tested the same way but as its own
 * <i>exploratory</i> family (Holm over that metric's tests at α). The headline's declarations keep the family-wise
 * guarantee: when compression changes nothing, the chance that any headline transition is declared is at most α. Each
 * exploratory metric has the same guarantee for its own declarations only, so across k metrics the chance of some
 * false declaration anywhere in the report is at most k·α; the report labels them exploratory.
 *
 * <p>{@link #ALL_METRICS}: every (budget × bin × metric) test in one family at α (the strictest reading): at most α of
 * any false declaration across all metrics, at the cost of power — EM and F1 on one-word answers are the same test
 * twice, and with 10 items per bin a drop to 1 of 10 (9 discordant pairs, exact p = 2⁻⁸ = 0.0039) cannot clear Holm's
 * first step over 24 tests (0.05 / 24 = 0.0021).
 */
public final class TransitionFamilies {
  public static final String HEADLINE = "headline";
  public static final String ALL_METRICS = "all_metrics";

  private TransitionFamilies() {}

  /** Whether input {@code index} is confirmatory under {@code family} (the headline always is; all are in one family). */
  public static boolean confirmatory(String family, int index) {
    return ALL_METRICS.equals(family) || index == 0;
  }

  /**
   * One list of {@link Transition} per input, in input order, as {@link TransitionDetector#detect(List, double, double,
   * int, double, long)}; the per-bin tests are the same under both families (seeds per metric, budget and bin), only the
   * Holm families differ.
   */
  public static List<List<Transition>> detect(List<TransitionInput> inputs, String family, double threshold,
      double alpha, int iterations, double level, long seed) {
    if (ALL_METRICS.equals(family)) {
      return TransitionDetector.detect(inputs, threshold, alpha, iterations, level, seed);
    }
    if (!HEADLINE.equals(family)) {
      throw new IllegalArgumentException("transition family must be headline or all_metrics, got '" + family + "'");
    }
    List<List<Transition>> out = new ArrayList<>();
    for (TransitionInput in : inputs) {
      out.add(TransitionDetector.detect(List.of(in), threshold, alpha, iterations, level, seed).get(0));
    }
    return out;
  }
}
