package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopkLookupTest {
  static double ln(double x) { return Math.log(x); }

  static Position pos(String tok, double p, Map<String, Double> topQ) {
    return new Position(tok, ln(p), Double.NaN, Map.of(), topQ);
  }

  /** A = x y z, B = w x z; B's top-k lacks y at position 1. */
  static final List<Position> FORWARD = List.of(
      pos("x", 0.5, Map.of("x", ln(0.25), "w", ln(0.3))),
      pos("y", 0.2, Map.of("w", ln(0.3), "x", ln(0.3))),
      pos("z", 0.1, Map.of("z", ln(0.4))));
  static final List<Position> REVERSE = List.of(
      pos("w", 0.3, Map.of("x", ln(0.5), "w", ln(0.2))),
      pos("x", 0.3, Map.of("y", ln(0.2), "x", ln(0.3))),
      pos("z", 0.4, Map.of("z", ln(0.1))));

  @Test
  void threeTokenHandComputation() {
    TopkLookup.Direction f = TopkLookup.direction(FORWARD);
    // (0.5 ln 2 + 0.1 ln 0.25) / 2 compared tokens; y skipped
    assertEquals((0.5 * ln(2) + 0.1 * ln(0.25)) / 2, f.value(), 1e-12);
    assertEquals(0.1039721, f.value(), 1e-6);
    assertEquals(2, f.compared());
    assertEquals(1, f.skipped());
    TopkLookup.Direction r = TopkLookup.direction(REVERSE);
    assertEquals((0.3 * ln(1.5) + 0 + 0.4 * ln(4)) / 3, r.value(), 1e-12);
    PromptDivergence d = PromptEstimator.estimate("p", Estimator.TOPK_LOOKUP,
        List.of(new SamplePair(FORWARD, REVERSE)), KlOptions.DEFAULT, Set.of());
    assertEquals(0.1646789, d.value(), 1e-6);
    assertEquals(f.value(), d.forward(), 1e-15);
    assertTrue(d.flags().contains(KlFlag.BIASED));
    assertTrue(d.flags().contains(KlFlag.SKIPPED_TOKENS));
    assertEquals(1.0, d.extra().get("skipped_tokens"));
  }

  @Test
  void averagedOverResponsePairs() {
    List<Position> other = List.of(pos("x", 0.5, Map.of("x", ln(0.5))));
    PromptDivergence d = PromptEstimator.estimate("p", Estimator.TOPK_LOOKUP,
        List.of(new SamplePair(FORWARD, REVERSE), new SamplePair(other, other)), KlOptions.DEFAULT, Set.of());
    assertEquals((0.1646789 + 0) / 2, d.value(), 1e-6);
    assertEquals(2, d.nSamples());
  }
}
