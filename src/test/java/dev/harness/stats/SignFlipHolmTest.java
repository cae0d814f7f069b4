package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Hand-computed p-values of the transition tests (scipy: binomtest(k, n, 0.5).pvalue; permutation by enumeration). */
class SignFlipHolmTest {
  @Test
  void signFlipExactByHandEnumeration() {
    // |d| = (3, 1, 2), observed S = 3 - 1 + 2 = 4; the 8 sums are ±6, ±4, ±2, 0, 0 -> |S| >= 4 in 4 of 8
    PairedTest t = SignFlip.test(new double[] {0, 3, -1, 2, 0}, 1);
    assertEquals("sign_flip_exact", t.test());
    assertEquals(5, t.n());
    assertEquals(3, t.informative());
    assertEquals(0.5, t.p(), 0);
    // (1, 2, 3, 4) all positive: only ++++ and ---- reach |S| = 10 -> 2/16
    assertEquals(0.125, SignFlip.test(new double[] {1, 2, 3, 4}, 1).p(), 0);
    // (0.5, 0.25, 0.25) observed 0.5 - 0.25 - 0.25 = 0: every pattern has |S| >= 0 -> 1
    assertEquals(1.0, SignFlip.test(new double[] {0.5, -0.25, -0.25}, 1).p(), 0);
    // (0.1, 0.2, -0.3) observed 0 up to rounding (0.1 + 0.2 - 0.3 = 5.6e-17): still p = 1, the tie tolerance at work
    assertEquals(1.0, SignFlip.test(new double[] {0.1, 0.2, -0.3}, 1).p(), 0);
    // (5, 1, 1, 1) observed 5 + 1 + 1 - 1 = 6: sums with |S| >= 6 are ±8 (2) and ±6 (6 patterns: 5 with one of the
    // three 1s negative, and their mirrors) -> 8/16
    assertEquals(0.5, SignFlip.test(new double[] {5, 1, 1, -1}, 1).p(), 0);
    assertEquals(1.0, SignFlip.test(new double[] {0, 0}, 1).p(), 0);
  }

  @Test
  void signFlipOnEqualMagnitudesIsTheExactSignTest() {
    // |d| all 1: the permutation p equals McNemar's exact p (2 · P[Bin(n, 1/2) <= min(k, n - k)], capped at 1)
    for (int n = 1; n <= 20; n++) {
      for (int neg = 0; neg <= n; neg++) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = i < neg ? -1 : 1;
        }
        assertEquals(McNemar.test(neg, n - neg).exactP(), SignFlip.test(d, 3).p(), 1e-12, n + "/" + neg);
      }
    }
    // scipy.stats.binomtest(1, 10).pvalue = 22/1024
    assertEquals(22.0 / 1024, McNemar.test(1, 9).exactP(), 1e-15);
    assertEquals(0.125, McNemar.test(4, 0).exactP(), 1e-15);
    assertEquals(0.0625, McNemar.test(0, 5).exactP(), 1e-15);
    assertEquals(0.03125, McNemar.test(6, 0).exactP(), 1e-15);
  }

  @Test
  void signFlipMonteCarloAboveTwentyIsSeededAndValid() {
    double[] all = new double[25];
    java.util.Arrays.fill(all, 1);
    PairedTest t = SignFlip.test(all, 5);
    assertEquals("sign_flip_monte_carlo", t.test());
    // exact 2/2^25 ≈ 6e-8; no random pattern of 25 reaches ±25 in 20000 draws (probability 1.2e-3), p = 1/20001
    assertEquals(1.0 / 20_001, t.p(), 1e-15);
    // 9 of 30 negative: exact = 2 · P[Bin(30, 1/2) <= 9] = 0.04277; Monte Carlo within 4 standard errors (0.0057)
    double[] d = new double[30];
    for (int i = 0; i < 30; i++) {
      d[i] = i < 9 ? -1 : 1;
    }
    double exact = McNemar.test(9, 21).exactP();
    assertEquals(0.0427739, exact, 1e-6);
    assertEquals(exact, SignFlip.test(d, 11).p(), 0.0057);
    assertEquals(SignFlip.test(d, 11), SignFlip.test(d, 11));
  }

  @Test
  void pairedTestPicksMcNemarForZeroOneScores() {
    double[] base = {1, 1, 1, 1, 1, 1, 0, 0};
    double[] comp = {0, 0, 0, 0, 0, 1, 1, 0};
    PairedTest t = PairedTest.of(comp, base, 1);
    assertEquals("mcnemar_exact", t.test());
    assertEquals(6, t.informative()); // 5 lost, 1 gained: p = 2 · (1 + 6) / 64
    assertEquals(14.0 / 64, t.p(), 1e-15);
    assertEquals("sign_flip_exact", PairedTest.of(new double[] {0.5, 0}, new double[] {1, 1}, 1).test());
  }

  @Test
  void twoSamplePermutationAgainstExactEnumeration() {
    // {1,1,1} vs {0,0,0}: 2 of the C(6,3) = 20 relabellings are as extreme -> exact p = 0.1; Monte Carlo within 4 SE
    PairedTest t = TwoSamplePermutation.test(new double[] {1, 1, 1}, new double[] {0, 0, 0}, 7);
    assertEquals("permutation_monte_carlo", t.test());
    assertEquals(0.1, t.p(), 4 * Math.sqrt(0.1 * 0.9 / SignFlip.MONTE_CARLO));
    // {0.2, 0.4} vs {0.1, 0.3}: |diff of means| 0.1; splits of {0.1,0.2,0.3,0.4} into pairs: sums 0.3 0.4 0.5 0.5 0.6
    // 0.7 -> |mean diff| 0.2 0.1 0 0 0.1 0.2 -> 4 of 6 reach 0.1: p = 2/3
    assertEquals(2.0 / 3, TwoSamplePermutation.test(new double[] {0.2, 0.4}, new double[] {0.1, 0.3}, 7).p(),
        4 * Math.sqrt(2.0 / 9 / SignFlip.MONTE_CARLO));
  }

  @Test
  void holmByHand() {
    // sorted 0.005, 0.01, 0.03, 0.04 -> ×4 = 0.02, ×3 = 0.03, ×2 = 0.06, ×1 = 0.04 -> max-accumulated 0.06
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}),
        1e-15);
    assertArrayEquals(new double[] {1.0, 1.0}, Holm.adjust(new double[] {0.6, 0.9}), 0);
    assertArrayEquals(new double[0], Holm.adjust(new double[0]), 0);
    assertThrows(IllegalArgumentException.class, () -> Holm.adjust(new double[] {Double.NaN}));
  }
}
