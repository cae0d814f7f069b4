package dev.harness.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;

/** McNemar's test as in statsmodels ({@code mcnemar(exact=True)}), with mid-p and the corrected chi-square alongside. */
public final class McNemar {
  private McNemar() {}

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
   * 2·(P[X ≤ k] − P[X = k]/2)); chi2 = (|b−c|−1)²/(b+c) with its df=1 p-value. b + c = 0 gives p = 1 and chi2 = 0.
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
    BinomialDistribution bin = new BinomialDistribution(null, n, 0.5);
    double cdf = bin.cumulativeProbability(k);
    double exactP = Math.min(1.0, 2 * cdf);
    double midP = Math.min(1.0, 2 * (cdf - 0.5 * bin.probability(k)));
    double diff = Math.abs(b - c) - 1.0;
    double chi2 = diff * diff / n;
    // chi-square survival function, df = 1: Q(1/2, x/2) (no 1 - cdf cancellation for tiny p)
    double chi2P = Gamma.regularizedGammaQ(0.5, chi2 / 2);
    return new McNemarResult(b, c, exactP, midP, chi2, chi2P);
  }
}
