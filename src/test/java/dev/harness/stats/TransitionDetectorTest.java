package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransitionDetectorTest {
  private static final String[] LABELS = {"0–1024 tok", "1024–2048 tok", "2048–4096 tok", "4096–8192 tok"};

  private static BinScores bin(int i, double... scores) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int k = 0; k < scores.length; k++) {
      m.put("b" + i + "-ex" + k, scores[k]);
    }
    return new BinScores(i, LABELS[i], m);
  }

  private static BinSeries series(String label, double budget, BinScores... bins) {
    return new BinSeries(label, budget, List.of(bins));
  }

  private static double[] rep(double v, int n) {
    double[] x = new double[n];
    java.util.Arrays.fill(x, v);
    return x;
  }

  @Test
  void detectsTheBinWhereScoresDropWithHolmAdjustedP() {
    // 8 items; bins 0-1 unchanged; bin 2: every item loses exactly 0.5 (8 non-zero, all negative); bin 3: loses 0.4
    double[] base = {0.9, 0.8, 0.7, 1.0, 0.8, 0.9, 0.6, 0.9};
    double[] drop5 = {0.4, 0.3, 0.2, 0.5, 0.3, 0.4, 0.1, 0.4};
    double[] drop4 = {0.5, 0.4, 0.3, 0.6, 0.4, 0.5, 0.2, 0.5};
    BinSeries full = series("1.0", 1.0, bin(0, base), bin(1, base), bin(2, base), bin(3, base));
    BinSeries low = series("0.2", 0.2, bin(0, base), bin(1, base), bin(2, drop5), bin(3, drop4));
    Transition t = TransitionDetector.detect(List.of(new TransitionInput("f1", "F1", 100, full, List.of(low))), 0.7,
        0.05, 2_000, 0.95, 1).get(0).get(0);
    assertEquals(2, t.transitionBin());
    assertEquals("2048–4096 tok", t.transitionLabel());
    // family: bins 2 and 3 (bins 0-1 have 0 non-zero differences, not tested); raw p = 2/2^8 each
    assertEquals(2, t.familySize());
    BinComparison b2 = t.bins().get(2);
    assertEquals("sign_flip_exact", b2.test());
    assertEquals(8, b2.n());
    assertEquals(8, b2.informative());
    assertEquals(2.0 / 256, b2.p(), 1e-15);
    assertEquals(2 * 2.0 / 256, b2.pAdjusted(), 1e-15); // Holm: smallest of 2 tied p's × 2, then max with 1 × p
    assertEquals(0.325 / 0.825, b2.ratio(), 1e-12);
    assertTrue(b2.rejects() && b2.belowThreshold() && b2.meetsCriterion());
    assertTrue(t.evidence().startsWith("bin 2 (2048–4096 tok): F1 32.5 vs 82.5 at budget 1.0 (ratio 0.39 < 0.70); "
        + "sign_flip_exact p = 0.0078, Holm-adjusted p = 0.016 ≤ α = 0.05 over 2 tests (n=8, 8 informative); "
        + "paired diff -50.0 [-50.0, -50.0] (n=8)"), t.evidence());
    BinComparison b1 = t.bins().get(1);
    assertEquals(1.0, b1.ratio(), 1e-12);
    assertNull(b1.p());
    assertNull(b1.pAdjusted());
    assertEquals("none", b1.test());
    assertFalse(b1.meetsCriterion());
    assertTrue(t.bins().get(3).meetsCriterion()); // later bins are reported too; the first one is the transition
  }

  @Test
  void fourOfFourDiscordantIsNeverDeclaredWhateverAlpha() {
    BinSeries full = series("1.0", 1.0, bin(0, 1, 1, 1, 1));
    BinSeries low = series("0.1", 0.1, bin(0, 0, 0, 0, 0));
    for (double alpha : new double[] {0.05, 0.2, 0.5, 0.99}) {
      Transition t = TransitionDetector.detect(full, List.of(low), 0.7, alpha, 100, 0.95, 1).get(0);
      assertNull(t.transitionBin(), "alpha " + alpha);
      BinComparison b = t.bins().get(0);
      assertEquals(4, b.informative());
      assertNull(b.p());
      assertEquals(0, t.familySize());
      assertTrue(b.note().contains("fewer than 6 informative pairs"), b.note());
    }
  }

  @Test
  void threeOfFourDroppingIsNotATransition() {
    // the case: the old rule declared a CI [-1, -0.25]; an exact sign test gives p = 0.25
    BinSeries full = series("1.0", 1.0, bin(0, 1, 1, 1, 0));
    BinSeries low = series("0.1", 0.1, bin(0, 0, 0, 0, 0));
    assertNull(TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0).transitionBin());
  }

  @Test
  void sixOfSixDiscordantRejectsAloneButNotAfterHolmOverThree() {
    // 6 of 6 discordant: McNemar exact p = 2/64 = 0.03125 < 0.05 in a family of one
    BinSeries full = series("1.0", 1.0, bin(0, rep(1, 6)));
    BinSeries low = series("0.1", 0.1, bin(0, rep(0, 6)));
    Transition one = TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0);
    assertEquals(0, one.transitionBin());
    assertEquals("mcnemar_exact", one.bins().get(0).test());
    assertEquals(0.03125, one.bins().get(0).p(), 1e-15);
    assertEquals(0.03125, one.bins().get(0).pAdjusted(), 1e-15);
    // the same bin at three budgets: Holm multiplies the smallest p by 3 -> 0.09375 > 0.05, nothing declared
    List<Transition> three = TransitionDetector.detect(full, List.of(low, low, low), 0.7, 0.05, 100, 0.95, 1);
    for (Transition t : three) {
      assertNull(t.transitionBin());
      assertEquals(0.09375, t.bins().get(0).pAdjusted(), 1e-15);
      assertEquals(3, t.familySize());
    }
  }

  @Test
  void familySpansMetrics() {
    BinSeries full = series("1.0", 1.0, bin(0, rep(1, 6)));
    BinSeries low = series("0.1", 0.1, bin(0, rep(0, 6)));
    List<List<Transition>> both = TransitionDetector.detect(List.of(
        new TransitionInput("em", "EM", 1, full, List.of(low)),
        new TransitionInput("f1", "F1", 1, full, List.of(low))), 0.7, 0.05, 100, 0.95, 1);
    assertEquals(2, both.get(0).get(0).familySize());
    assertEquals(0.0625, both.get(1).get(0).bins().get(0).pAdjusted(), 1e-15);
    assertNull(both.get(0).get(0).transitionBin());
  }

  @Test
  void significantButAboveThresholdIsNotATransition() {
    // 10 items drop by 0.1 each: p = 2/1024, but the ratio 0.8/0.9 = 0.89 is above 0.7
    BinSeries full = series("1.0", 1.0, bin(0, rep(0.9, 10)));
    BinSeries low = series("0.5", 0.5, bin(0, rep(0.8, 10)));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0);
    assertTrue(t.bins().get(0).rejects());
    assertFalse(t.bins().get(0).belowThreshold());
    assertNull(t.transitionBin());
    assertTrue(t.evidence().startsWith("no bin rejected at family-wise α = 0.05 (Holm over 1 tests) with a mean below "
        + "0.70 × budget 1.0 (1 bins, 1 tested)"), t.evidence());
  }

  @Test
  void pairsOnlyExamplesScoredAtBothBudgets() {
    BinSeries full = series("1.0", 1.0, bin(0, rep(0.8, 8)));
    Map<String, Double> partial = new LinkedHashMap<>();
    for (int k = 0; k < 6; k++) {
      partial.put("b0-ex" + k, 0.1);
    }
    partial.put("b0-ex6", null); // missing (e.g. infrastructure failure)
    partial.put("other", 0.0); // not in the baseline
    BinSeries low = new BinSeries("0.5", 0.5, List.of(new BinScores(0, "short", partial)));
    BinComparison c = TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0).bins().get(0);
    assertEquals(6, c.n());
    assertEquals(0.1, c.mean(), 1e-12);
    assertEquals(0.8, c.baselineMean(), 1e-12);
    assertEquals(2.0 / 64, c.p(), 1e-15);
    assertTrue(c.meetsCriterion());
  }

  @Test
  void zeroBaselineMeanLeavesTheRatioUndefined() {
    BinSeries full = series("1.0", 1.0, bin(0, 0, 0, 0), bin(1, 0.5, 0.5, 0.5));
    BinSeries low = series("0.5", 0.5, bin(0, 0, 0, 0), bin(1, 0.5, 0.4, 0.6));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0);
    assertNull(t.transitionBin());
    BinComparison b0 = t.bins().get(0);
    assertTrue(Double.isNaN(b0.ratio()));
    assertFalse(b0.belowThreshold());
    assertTrue(t.evidence().contains("baseline mean is 0, ratio undefined in bin 0"), t.evidence());
  }

  @Test
  void flagsVarianceSpikesAsExploratory() {
    BinSeries full = series("1.0", 1.0, bin(0, 0.5, 0.6, 0.5, 0.6), bin(1, 0.5, 0.6, 0.5, 0.6));
    // bin 1: same mean 0.55 but variance 0.27 vs 0.00333
    BinSeries low = series("0.5", 0.5, bin(0, 0.5, 0.6, 0.5, 0.6), bin(1, 0.0, 1.0, 0.1, 1.1));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 0.05, 100, 0.95, 1).get(0);
    assertNull(t.transitionBin());
    assertFalse(t.bins().get(0).varianceSpike());
    assertTrue(t.bins().get(1).varianceSpike());
    assertEquals(List.of(1), t.varianceSpikeBins());
    assertTrue(t.evidence().endsWith("exploratory, not a test: variance spike (> 2 × baseline variance) in bin 1"),
        t.evidence());
  }

  @Test
  void withoutBaselineUsesTheFirstBinUnpaired() {
    BinSeries only = series("0.5", 0.5,
        bin(0, 0.8, 0.9, 0.7, 0.8, 0.8, 0.9, 0.7, 0.8, 0.8, 0.8),
        bin(1, 0.7, 0.8, 0.6, 0.7, 0.9, 0.7, 0.8, 0.7, 0.6, 0.7),
        bin(2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.2),
        bin(3, 0.0, 0.1, 0.0, 0.2, 0.1, 0.0, 0.1, 0.0, 0.1, 0.1));
    Transition t = TransitionDetector.detect(null, List.of(only), 0.7, 0.05, 2_000, 0.95, 1).get(0);
    assertEquals(2, t.transitionBin());
    assertEquals(3, t.familySize());
    BinComparison ref = t.bins().get(0);
    assertFalse(ref.meetsCriterion());
    assertNull(ref.p());
    BinComparison b2 = t.bins().get(2);
    assertEquals("permutation_monte_carlo", b2.test());
    // no relabelling of 20 values reaches the observed separation: p = 1 / (1 + 20000)
    assertEquals(1.0 / 20_001, b2.p(), 1e-15);
    assertEquals(0.2 - 0.8, b2.diff().estimate(), 1e-12);
    assertTrue(t.evidence().contains("budget 1.0 not run, unpaired"), t.evidence());
  }

  @Test
  void oneTransitionPerBudgetInOrderAndReproducible() {
    BinSeries full = series("1.0", 1.0, bin(0, 0.9, 0.8, 0.7, 1.0, 0.9, 0.8, 0.7, 1.0));
    List<BinSeries> others = new ArrayList<>();
    others.add(series("0.5", 0.5, bin(0, 0.9, 0.7, 0.7, 0.9, 0.9, 0.7, 0.7, 0.9)));
    others.add(series("0.2", 0.2, bin(0, 0.1, 0.0, 0.2, 0.0, 0.1, 0.0, 0.2, 0.0)));
    List<Transition> a = TransitionDetector.detect(full, others, 0.7, 0.05, 1_000, 0.95, 9);
    assertEquals(2, a.size());
    assertEquals(0.5, a.get(0).budget());
    assertNull(a.get(0).transitionBin());
    assertEquals(0, a.get(1).transitionBin());
    assertEquals(a, TransitionDetector.detect(full, others, 0.7, 0.05, 1_000, 0.95, 9));
  }

  @Test
  void rejectsAlphaOutsideTheUnitInterval() {
    BinSeries full = series("1.0", 1.0, bin(0, 1, 1));
    for (double alpha : new double[] {0, 1, -0.1, Double.NaN}) {
      assertThrows(IllegalArgumentException.class,
          () -> TransitionDetector.detect(full, List.of(full), 0.7, alpha, 100, 0.95, 1));
    }
  }
}
