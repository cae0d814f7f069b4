package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MonteCarloTest {
  static final double[] P = TopkRestTest.P, Q = TopkRestTest.Q;

  static double kl(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) s += p[i] * Math.log(p[i] / q[i]);
    return s;
  }

  /** T i.i.d. tokens from p, with both log-probs (teacher forcing). */
  static List<Position> sample(double[] p, double[] q, int t, Random rnd) {
    List<Position> out = new ArrayList<>();
    for (int i = 0; i < t; i++) {
      double u = rnd.nextDouble(), c = 0;
      int k = p.length - 1;
      for (int j = 0; j < p.length; j++) if (u < (c += p[j])) { k = j; break; }
      out.add(new Position(TopkRestTest.V[k], Math.log(p[k]), Math.log(q[k]), Map.of(), Map.of()));
    }
    return out;
  }

  @Test
  void handComputedSequence() {
    List<Position> s = List.of(new Position("a", Math.log(0.4), Math.log(0.25), Map.of(), Map.of()),
        new Position("d", Math.log(0.1), Math.log(0.2), Map.of(), Map.of()));
    MonteCarlo.Sequence q = MonteCarlo.sequence(s);
    assertEquals(Math.log(0.4 / 0.25) + Math.log(0.1 / 0.2), q.naiveSum(), 1e-12);
    double k3 = (0.25 / 0.4 - 1 - Math.log(0.25 / 0.4)) + (0.2 / 0.1 - 1 - Math.log(2));
    assertEquals(k3, q.k3Sum(), 1e-12);
    assertEquals(k3 / 2, q.k3PerToken(), 1e-12);
    assertEquals(2, q.length());
  }

  @Test
  void withinItsCiOfTheExactKl() {
    Random rnd = new Random(7);
    List<SamplePair> pairs = new ArrayList<>();
    for (int s = 0; s < 300; s++) pairs.add(new SamplePair(sample(P, Q, 10, rnd), sample(Q, P, 10, rnd)));
    PromptDivergence d = PromptEstimator.estimate("p", Estimator.MC, pairs, new KlOptions(0.5, 2000, 0.95, 1),
        Set.of());
    double fwd = kl(P, Q), rev = kl(Q, P), sym = (fwd + rev) / 2;
    assertTrue(d.ciLow() <= sym && sym <= d.ciHigh(), d.ciLow() + " " + sym + " " + d.ciHigh());
    assertTrue(d.ciHigh() - d.ciLow() < 0.05, "CI width " + (d.ciHigh() - d.ciLow()));
    assertEquals(fwd, d.forward(), 0.02);
    assertEquals(rev, d.reverse(), 0.02);
    assertEquals(10 * fwd, d.extra().get("forward_per_sequence"), 0.2);
    assertEquals(fwd, d.extra().get("forward_per_token_naive"), 0.03);
    assertEquals(300, d.nSamples());
    assertEquals(6000, d.nTokens());
  }

  @Test
  void k3TermIsNonNegativeAndZeroOnlyForEqualProbabilities() {
    assertEquals(0.0, MonteCarlo.term(Math.log(0.3), Math.log(0.3)));
    assertTrue(MonteCarlo.term(Math.log(0.3), Math.log(0.31)) > 0);
    assertTrue(MonteCarlo.term(Math.log(0.3), Math.log(0.01)) > 0);
    assertEquals(Double.POSITIVE_INFINITY, MonteCarlo.term(Math.log(0.3), Double.NEGATIVE_INFINITY));
  }
}
