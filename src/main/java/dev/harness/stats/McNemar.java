package dev.harness.stats;

import org.apache.commons.math3.util.CombinatoricsUtils;
import org.apache.commons.math3.special.Gamma;

/** McNemar's test as in statsmodels ({@code mcnemar(exact=True)}), with mid-p and the corrected chi-square alongside. */
public final class McNemar {
  private static final double LN2 = Math.log(2);

  private McNemar() {}

  /** ln P[X = i], X ~ Bin(n, 1/2). */
  static double logPmf(int n, int i) {
    return CombinatoricsUtils.binomialCoefficientLog(n, i) - n * LN2;
  }

  /** ln(2 · P[X ≤ k]), X ~ Bin(n, 1/2); −∞ for k &lt; 0. */
  private static double logTwoTail(int n, int k) {
    double acc = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= k; i++) {
      acc = logSumExp(acc, logPmf(n, i));
    }
    return k < 0 ? acc : acc + LN2;
  }

  private static double logSumExp(double x, double y) {
    if (x == Double.NEGATIVE_INFINITY) {
      return y;
    }
    if (y == Double.NEGATIVE_INFINITY) {
      return x;
    }
    double m = Math.max(x, y);
    return m + Math.log1p(Math.exp(Math.min(x, y) - m));
  }

  /** a[i], b[i]: whether systems A and B got item i right. */
  public static McNemarResult test(boolean[] a, boolean[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired outcomes differ in length: " + a.length + " vs " + b.length);
    }
    int onlyA = 0;
    int onlyB = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] && !b[i]) {
        onlyA++;
      } else if (!a[i] && b[i]) {
        onlyB++;
      }
    }
    return test(onlyA, onlyB);
  }

  /**
   * b = only A right, c = only B right. exactP = min(1, 2·P[X ≤ min(b,c)]), X ~ Bin(b+c, 1/2); midP = min(1,
   * 2·P[X ≤ k − 1] + P[X = k]), both summed in log space; chi2 = (|b−c|−1)²/(b+c) with its df=1 p-value. b + c = 0 gives p = 1 and chi2 = 0.
   */
  public static McNemarResult test(int b, int c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("discordant counts must be >= 0, got b=" + b + " c=" + c);
    }
    int n = b + c;
    if (n == 0) {
      return new McNemarResult(b, c, 1.0, 1.0, 0.0, 1.0);
    }
    int k = Math.min(b, c);
    // log space: P[X = i] = exp(ln C(n, i) − n ln 2); sums by log-sum-exp, so tiny tails neither underflow to 0 nor
    // lose the pmf term to cancellation (mid-p is a sum of non-negative terms, never negative)
    double logTwoCdfBelow = logTwoTail(n, k - 1); // ln(2 · P[X ≤ k − 1]), −inf when k = 0
    double logTwoPmf = LN2 + logPmf(n, k);
    double exactP = Math.min(1.0, Math.exp(logSumExp(logTwoCdfBelow, logTwoPmf)));
    double midP = Math.min(1.0, Math.exp(logSumExp(logTwoCdfBelow, logTwoPmf - LN2)));
    double diff = Math.abs(b - c) - 1.0;
    double chi2 = diff * diff / n;
    // chi-square survival function, df = 1: Q(1/2, x/2) (no 1 - cdf cancellation for tiny p)
    double chi2P = Gamma.regularizedGammaQ(0.5, chi2 / 2);
    return new McNemarResult(b, c, exactP, midP, chi2, chi2P);
  }
}
