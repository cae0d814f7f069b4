package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13 §4: topk_rest over positions whose other side has no top-k is n/a (NaN, NO_TOPK), never 0. */
class TopkRestMissingTopkTest {
  private static final KlOptions OPT = new KlOptions(0.5, 100, 0.95, 0);

  @Test
  void crossWithoutTopkIsNotComparableNotZero() {
    // cross scores as the local engine writes them: a log-prob per token, top_logprobs []
    Position p = new Position("we", -0.2, -0.3, Map.of("we", -0.2, " h", -3.9), Map.of());
    SamplePair pair = new SamplePair(List.of(p, p), List.of(p.swapped()));
    PromptDivergence d = PromptEstimator.estimate("x", Estimator.TOPK_REST, List.of(pair, pair), OPT, Set.of());
    assertTrue(Double.isNaN(d.value()), "was " + d.value());
    assertTrue(d.flags().contains(KlFlag.NO_TOPK), d.flags().toString());
    assertEquals(0, d.nTokens());
  }

  @Test
  void positionsWithTopkOnBothSidesStillCount() {
    // one position with both lists: U = {a}, p(a) = 0.5, q(a) = 0.25; rests 0.5 and 0.75
    Position full = new Position("a", Math.log(0.5), Double.NaN, Map.of("a", Math.log(0.5)), Map.of("a", Math.log(0.25)));
    Position bare = new Position("a", Math.log(0.5), Double.NaN, Map.of("a", Math.log(0.5)), Map.of());
    SamplePair pair = new SamplePair(List.of(full, bare), null);
    PromptDivergence d = PromptEstimator.estimate("x", Estimator.TOPK_REST, List.of(pair), OPT, Set.of());
    double expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    assertEquals(expected, d.value(), 1e-12);
    assertEquals(1, d.nTokens());
  }
}
