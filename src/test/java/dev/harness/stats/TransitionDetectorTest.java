package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

  @Test
  void detectsTheBinWhereScoresDrop() {
    BinSeries full = series("1.0", 1.0,
        bin(0, 0.9, 0.8, 0.7, 1.0),
        bin(1, 0.8, 0.9, 0.6, 0.9),
        bin(2, 0.9, 0.7, 0.8, 0.8),
        bin(3, 0.6, 0.7, 0.8, 0.5));
    // budget 0.2: same as full in bins 0-1, every example of bin 2 loses exactly 0.5, bin 3 loses 0.4
    BinSeries low = series("0.2", 0.2,
        bin(0, 0.9, 0.8, 0.7, 1.0),
        bin(1, 0.8, 0.9, 0.6, 0.9),
        bin(2, 0.4, 0.2, 0.3, 0.3),
        bin(3, 0.2, 0.3, 0.4, 0.1));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 2_000, 0.95, 1, "F1", 100).get(0);
    assertEquals(0.2, t.budget());
    assertEquals(2, t.transitionBin());
    assertEquals("2048–4096 tok", t.transitionLabel());
    // means 0.3 vs 0.8, ratio 0.375; all paired diffs are -0.5 so the CI is exactly [-0.5, -0.5]
    assertEquals("bin 2 (2048–4096 tok): F1 30.0 vs 80.0 at budget 1.0 (ratio 0.38 < 0.70), "
        + "paired diff -50.0 [-50.0, -50.0] (n=4)", t.evidence());
    BinComparison b2 = t.bins().get(2);
    assertEquals(4, b2.n());
    assertEquals(0.3, b2.mean(), 1e-12);
    assertEquals(0.8, b2.baselineMean(), 1e-12);
    assertEquals(0.375, b2.ratio(), 1e-12);
    assertTrue(b2.belowThreshold() && b2.ciExcludesZero() && b2.meetsCriterion());
    BinComparison b1 = t.bins().get(1);
    assertEquals(1.0, b1.ratio(), 1e-12);
    assertFalse(b1.belowThreshold() || b1.ciExcludesZero() || b1.meetsCriterion());
    assertEquals(0.0, b1.diff().lo());
    assertEquals(0.0, b1.diff().hi());
    assertTrue(t.bins().get(3).meetsCriterion()); // later bins are reported too; the first one is the transition
  }

  @Test
  void dropWithinNoiseIsNotATransition() {
    BinSeries full = series("1.0", 1.0,
        bin(0, 1, 1, 0, 1, 0, 1),
        bin(1, 1, 1, 1, 0, 0, 0.5));
    // bin 1: mean 2/6 = 0.333 vs 3.5/6 = 0.583 (ratio 0.571 < 0.7) but diffs -1 -1 -1 +1 +0.5 0: CI spans 0
    BinSeries low = series("0.5", 0.5,
        bin(0, 1, 1, 0, 1, 0, 1),
        bin(1, 0, 0, 0, 1, 0.5, 0.5));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 5_000, 0.95, 3).get(0);
    assertNull(t.transitionBin());
    assertNull(t.transitionLabel());
    BinComparison b1 = t.bins().get(1);
    assertTrue(b1.belowThreshold());
    assertEquals(4.0 / 7.0, b1.ratio(), 1e-12);
    assertFalse(b1.ciExcludesZero(), b1.diff().toString());
    assertTrue(b1.diff().lo() < 0 && b1.diff().hi() > 0);
    assertFalse(b1.meetsCriterion());
    assertTrue(t.evidence().startsWith("no bin fell below 0.70 × baseline with a CI excluding 0 (2 bins checked)"),
        t.evidence());
  }

  @Test
  void pairsOnlyExamplesScoredAtBothBudgets() {
    BinSeries full = series("1.0", 1.0, bin(0, 0.8, 0.8, 0.8, 0.8));
    Map<String, Double> partial = new LinkedHashMap<>();
    partial.put("b0-ex0", 0.1);
    partial.put("b0-ex1", 0.1);
    partial.put("b0-ex2", null); // missing (e.g. infrastructure failure)
    partial.put("other", 0.0); // not in the baseline
    BinSeries low = new BinSeries("0.5", 0.5, List.of(new BinScores(0, "short", partial)));
    BinComparison c = TransitionDetector.detect(full, List.of(low), 0.7, 1_000, 0.95, 1).get(0).bins().get(0);
    assertEquals(2, c.n());
    assertEquals(0.1, c.mean(), 1e-12);
    assertEquals(0.8, c.baselineMean(), 1e-12);
    assertTrue(c.meetsCriterion());
  }

  @Test
  void zeroBaselineMeanLeavesTheRatioUndefined() {
    BinSeries full = series("1.0", 1.0, bin(0, 0, 0, 0), bin(1, 0.5, 0.5, 0.5));
    BinSeries low = series("0.5", 0.5, bin(0, 0, 0, 0), bin(1, 0.5, 0.4, 0.6));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 1_000, 0.95, 1).get(0);
    assertNull(t.transitionBin());
    BinComparison b0 = t.bins().get(0);
    assertTrue(Double.isNaN(b0.ratio()));
    assertFalse(b0.belowThreshold());
    assertTrue(t.evidence().contains("baseline mean is 0, ratio undefined in bin 0"), t.evidence());
  }

  @Test
  void flagsVarianceSpikes() {
    BinSeries full = series("1.0", 1.0, bin(0, 0.5, 0.6, 0.5, 0.6), bin(1, 0.5, 0.6, 0.5, 0.6));
    // bin 1: same mean 0.55 but variance 0.27 vs 0.00333
    BinSeries low = series("0.5", 0.5, bin(0, 0.5, 0.6, 0.5, 0.6), bin(1, 0.0, 1.0, 0.1, 1.1));
    Transition t = TransitionDetector.detect(full, List.of(low), 0.7, 1_000, 0.95, 1).get(0);
    assertNull(t.transitionBin());
    assertFalse(t.bins().get(0).varianceSpike());
    assertTrue(t.bins().get(1).varianceSpike());
    assertEquals(List.of(1), t.varianceSpikeBins());
    assertTrue(t.evidence().endsWith("variance spike (> 2 × baseline variance) in bin 1"), t.evidence());
  }

  @Test
  void withoutBaselineUsesTheFirstBinUnpaired() {
    BinSeries only = series("0.5", 0.5,
        bin(0, 0.8, 0.9, 0.7, 0.8, 0.8, 0.9, 0.7, 0.8, 0.8, 0.8),
        bin(1, 0.7, 0.8, 0.6, 0.7, 0.9, 0.7, 0.8, 0.7, 0.6, 0.7),
        bin(2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.1, 0.3, 0.2, 0.2, 0.2),
        bin(3, 0.0, 0.1, 0.0, 0.2, 0.1, 0.0, 0.1, 0.0, 0.1, 0.1));
    Transition t = TransitionDetector.detect(null, List.of(only), 0.7, 2_000, 0.95, 1).get(0);
    assertEquals(2, t.transitionBin());
    BinComparison ref = t.bins().get(0);
    assertFalse(ref.meetsCriterion());
    assertEquals(0.8, ref.mean(), 1e-12);
    BinComparison b1 = t.bins().get(1);
    assertEquals(0.8, b1.baselineMean(), 1e-12);
    assertFalse(b1.meetsCriterion()); // 0.72 vs 0.56
    BinComparison b2 = t.bins().get(2);
    assertEquals(0.2 - 0.8, b2.diff().estimate(), 1e-12);
    assertTrue(b2.diff().hi() + 0.8 < 0.56);
    assertTrue(t.evidence().startsWith("bin 2 (2048–4096 tok): mean 0.200 ["), t.evidence());
    assertTrue(t.evidence().contains("budget 1.0 not run"), t.evidence());
  }

  @Test
  void withoutBaselineANoisyBinIsNotATransition() {
    // bin 1 mean 0.5 < 0.7 × 0.8 = 0.56, but with two items at 0 and 1 its CI reaches above 0.56
    BinSeries only = series("0.5", 0.5, bin(0, 0.8, 0.8, 0.8), bin(1, 0.0, 1.0));
    Transition t = TransitionDetector.detect(null, List.of(only), 0.7, 2_000, 0.95, 1).get(0);
    assertNull(t.transitionBin());
    assertTrue(t.bins().get(1).belowThreshold());
    assertTrue(t.evidence().startsWith("no bin's CI fell below 0.70 × the first-bin baseline 0.800"), t.evidence());
  }

  @Test
  void oneTransitionPerBudgetInOrderAndReproducible() {
    BinSeries full = series("1.0", 1.0, bin(0, 0.9, 0.8, 0.7, 1.0));
    List<BinSeries> others = new ArrayList<>();
    others.add(series("0.5", 0.5, bin(0, 0.9, 0.7, 0.7, 0.9)));
    others.add(series("0.2", 0.2, bin(0, 0.1, 0.0, 0.2, 0.0)));
    List<Transition> a = TransitionDetector.detect(full, others, 0.7, 1_000, 0.95, 9);
    assertEquals(2, a.size());
    assertEquals(0.5, a.get(0).budget());
    assertNull(a.get(0).transitionBin());
    assertEquals(0, a.get(1).transitionBin());
    assertEquals(a, TransitionDetector.detect(full, others, 0.7, 1_000, 0.95, 9));
  }
}
