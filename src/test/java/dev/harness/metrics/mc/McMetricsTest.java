package dev.harness.metrics.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** lm-eval's multiple-choice metrics on hand-computed examples. */
class McMetricsTest {

  @Test
  void accTiesGoToTheLowestIndex() {
    double[] ll = {-1.0, -0.5, -0.5, -2.0};
    assertEquals(1, McMetrics.argmax(ll));
    assertEquals(1.0, McMetrics.acc(ll, 1));
    assertEquals(0.0, McMetrics.acc(ll, 2), "index 2 ties with 1 and loses");
    assertEquals(0, McMetrics.argmax(new double[] {-3, -3, -3}));
  }

  @Test
  void accNormDividesByUnicodeCodePoints() {
    // "😀😀": 2 code points, 4 UTF-16 units, 8 UTF-8 bytes; "abc": 3 of each.
    // by code points: -5/2 = -2.5 < -6/3 = -2.0 -> "abc" wins; by UTF-16 units or bytes "😀😀" would win.
    List<String> choices = List.of("😀😀", "abc");
    double[] ll = {-5.0, -6.0};
    assertEquals(0, McMetrics.argmax(ll), "raw acc picks the emoji");
    assertEquals(1.0, McMetrics.accNorm(ll, choices, 1));
    assertEquals(0.0, McMetrics.accNorm(ll, choices, 0));
    double[] n = McMetrics.normalized(ll, choices);
    assertEquals(-2.5, n[0], 0);
    assertEquals(-2.0, n[1], 0);
    // precomposed é is one code point: "été" = 3, so -3/3 = -1 beats "ab" -2.2/2 = -1.1
    assertEquals(1.0, McMetrics.accNorm(new double[] {-3.0, -2.2}, List.of("été", "ab"), 0));
  }

  @Test
  void mc2WithUnsortedLabelsAndVeryNegativeLoglikelihoods() {
    // exp(-1000) underflows to 0 in double, so a naive sum gives 0/0. By hand, relative to e^-1000:
    // true = e^-1 + e^-0.5, all = 1 + e^-1 + e^-2 + e^-0.5 -> 0.46186146831658653 (Python, math.exp/log-sum-exp)
    double[] ll = {-1000, -1001, -1002, -1000.5};
    List<Integer> labels = List.of(0, 1, 0, 1);
    double v = McMetrics.mc2(ll, labels);
    assertFalse(Double.isNaN(v));
    assertEquals(0.46186146831658653, v, 1e-12);
    assertEquals(0.0 / 0.0, (Math.exp(-1001) + Math.exp(-1000.5)) / (Math.exp(-1000) + Math.exp(-1001)
        + Math.exp(-1002) + Math.exp(-1000.5)), "the naive formula is NaN here");
    // the same numbers with the labels in another order give the matching permutation's value
    assertEquals(McMetrics.mc2(new double[] {-1001, -1000.5, -1000, -1002}, List.of(1, 1, 0, 0)), v, 1e-15);
    // one true answer with all mass: 1; tiny mass: close to 0 but finite
    assertEquals(1.0, McMetrics.mc2(new double[] {-2000, -1e9}, List.of(1, 0)), 1e-15);
    assertTrue(McMetrics.mc2(new double[] {-1e9, -2000}, List.of(1, 0)) >= 0);
    assertThrows(IllegalArgumentException.class, () -> McMetrics.mc2(new double[] {-1, -2}, List.of(0, 0)));
  }

  @Test
  void stderrIsSampleStdOverRootN() {
    // lm-eval's stderr of a mean is stats.Descriptive.stderr
    // mean 0.75, squared deviations 3 x 0.0625 + 0.5625 = 0.75, / (n-1) = 0.25, sd 0.5, / sqrt(4) = 0.25
    assertEquals(0.25, dev.harness.stats.Descriptive.stderr(new double[] {1, 0, 1, 1}), 1e-15);
    assertTrue(Double.isNaN(dev.harness.stats.Descriptive.stderr(new double[] {1})));
    assertEquals(0.0, dev.harness.stats.Descriptive.stderr(new double[] {0.5, 0.5, 0.5}), 0);
  }
}
