package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** Exact McNemar p and mid-p against exact rational arithmetic (BigInteger binomials), incl. far tails. */
class McNemarLogSpaceTest {
  private static final MathContext MC = new MathContext(40);

  private static BigInteger choose(int n, int k) {
    BigInteger r = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return r;
  }

  /** {exact p, mid-p} = {min(1, 2·Σ_{i≤k} C(n,i)/2^n), min(1, (2·Σ_{i≤k} C(n,i) − C(n,k))/2^n)}. */
  private static double[] exact(int b, int c) {
    int n = b + c;
    int k = Math.min(b, c);
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i <= k; i++) {
      sum = sum.add(choose(n, i));
    }
    BigDecimal den = new BigDecimal(BigInteger.ONE.shiftLeft(n));
    BigDecimal p = new BigDecimal(sum.shiftLeft(1)).divide(den, MC);
    BigDecimal mid = new BigDecimal(sum.shiftLeft(1).subtract(choose(n, k))).divide(den, MC);
    return new double[] {Math.min(1.0, p.doubleValue()), Math.min(1.0, mid.doubleValue())};
  }

  @Test
  void farTailIsNotZeroAndMidPNotNegative() {
    // scipy: 2 * binom.cdf(32, 525, 0.5) = 3.129e-107; mid-p 1.666e-107 (was 0.0 and -1.5e-107)
    McNemarResult r = McNemar.test(493, 32);
    assertEquals(3.129378200357412e-107, r.exactP(), 1e-118);
    assertEquals(1.6658135532227104e-107, r.midP(), 1e-118);
    assertEquals(r.exactP(), McNemar.test(32, 493).exactP(), 0);
  }

  @Test
  void gridAgainstExactBinomials() {
    for (int b = 0; b <= 60; b++) {
      for (int c = 0; c <= 60; c += (c < 20 ? 1 : 7)) {
        if (b + c == 0) {
          continue;
        }
        check(b, c);
      }
    }
    int[][] big = {{1000, 0}, {700, 300}, {900, 1}, {1000, 1000}, {1074, 3}, {400, 380}, {5, 1500}};
    for (int[] bc : big) {
      check(bc[0], bc[1]);
    }
  }

  private static void check(int b, int c) {
    double[] want = exact(b, c);
    McNemarResult r = McNemar.test(b, c);
    assertTrue(r.midP() >= 0 && r.midP() <= r.exactP(), b + "," + c);
    assertEquals(want[0], r.exactP(), Math.max(1e-300, want[0] * 1e-10), "p " + b + "," + c);
    assertEquals(want[1], r.midP(), Math.max(1e-300, want[1] * 1e-10), "mid-p " + b + "," + c);
  }
}
