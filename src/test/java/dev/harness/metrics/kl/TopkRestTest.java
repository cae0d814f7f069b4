package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopkRestTest {
  static final String[] V = {"a", "b", "c", "d", "e"};
  static final double[] P = {0.4, 0.3, 0.15, 0.1, 0.05};
  static final double[] Q = {0.25, 0.35, 0.1, 0.2, 0.1};

  static Map<String, Double> top(double[] d, String... names) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String n : names) m.put(n, Math.log(d[java.util.Arrays.asList(V).indexOf(n)]));
    return m;
  }

  @Test
  void coarsenedKlByHand() {
    // top3(P) = {a,b,c}, top3(Q) = {b,a,d}: U = {a,b}; P~ = (.4,.3 | .3), Q~ = (.25,.35 | .4)
    RestPosition r = TopkRest.position(top(P, "a", "b", "c"), top(Q, "b", "a", "d"));
    double hand = 0.4 * Math.log(0.4 / 0.25) + 0.3 * Math.log(0.3 / 0.35) + 0.3 * Math.log(0.3 / 0.4);
    assertEquals(0.0554517, hand, 1e-6);
    assertEquals(hand, r.kl(), 1e-12);
    assertEquals(0.7, r.covered(), 1e-12);
    assertEquals(0.3, r.pRest(), 1e-12);
    assertEquals(0.4, r.qRest(), 1e-12);
    assertEquals(0.15, r.tvdLow(), 1e-12);
    assertEquals(0.45, r.tvdHigh(), 1e-12);
    double exactKl = 0, exactTvd = 0;
    for (int i = 0; i < 5; i++) {
      exactKl += P[i] * Math.log(P[i] / Q[i]);
      exactTvd += 0.5 * Math.abs(P[i] - Q[i]);
    }
    assertTrue(r.kl() <= exactKl, "lower bound");
    assertTrue(r.tvdLow() <= exactTvd && exactTvd <= r.tvdHigh(), "bracket");
  }

  @Test
  void fullCoverageIsExact() {
    RestPosition r = TopkRest.position(top(P, V), top(Q, V));
    double exact = 0;
    for (int i = 0; i < 5; i++) exact += P[i] * Math.log(P[i] / Q[i]);
    assertEquals(exact, r.kl(), 1e-12);
    assertEquals(0, r.pRest());
    assertEquals(0, r.qRest());
    assertEquals(0.2, r.tvdLow(), 1e-12);
    assertEquals(0.2, r.tvdHigh(), 1e-12);
  }

  @Test
  void identicalIsExactlyZero() {
    RestPosition r = TopkRest.position(top(P, "a", "b"), top(P, "a", "b"));
    assertEquals(0.0, r.kl());
    assertEquals(0.0, r.tvdLow());
  }

  @Test
  void positiveRestAgainstEmptyRestIsInfinite() {
    // Q's top-2 is its whole support {a, b}; P puts 0.2 elsewhere: KL(P~||Q~) = +inf, not hidden
    Map<String, Double> p = Map.of("a", Math.log(0.5), "b", Math.log(0.3));
    Map<String, Double> q = Map.of("a", Math.log(0.6), "b", Math.log(0.4));
    RestPosition r = TopkRest.position(p, q);
    assertEquals(Double.POSITIVE_INFINITY, r.kl());
    assertEquals(0.0, r.qRest());
    // the other way round: an empty P rest contributes 0, the value stays finite
    RestPosition back = TopkRest.position(q, p);
    double hand = 0.6 * Math.log(0.6 / 0.5) + 0.4 * Math.log(0.4 / 0.3);
    assertEquals(hand, back.kl(), 1e-12);
  }

  @Test
  void sharedTokenWithZeroProbabilityOnQIsInfinite() {
    RestPosition r = TopkRest.position(Map.of("a", Math.log(0.5)), Map.of("a", Double.NEGATIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, r.kl());
  }

  @Test
  void noSharedTokenGivesZeroNotNaN() {
    RestPosition r = TopkRest.position(Map.of("a", Math.log(0.5)), Map.of("b", Math.log(0.5)));
    assertEquals(0.0, r.kl()); // both entirely in the rest: coarsened to one bucket
    assertEquals(0.0, r.covered());
    assertEquals(0.0, r.tvdLow());
    assertEquals(1.0, r.tvdHigh());
  }

  @Test
  void overfullInputIsFlagged() {
    RestPosition r = TopkRest.position(Map.of("a", Math.log(0.7), "b", Math.log(0.5)),
        Map.of("a", Math.log(0.5), "b", Math.log(0.5)));
    assertTrue(r.overfull());
    assertFalse(TopkRest.position(top(P, V), top(Q, V)).overfull());
  }
}
