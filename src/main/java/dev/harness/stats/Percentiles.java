package dev.harness.stats;

import java.util.Arrays;

/** Quantiles with numpy's default method ("linear": interpolate between the closest ranks). */
public final class Percentiles {
  private Percentiles() {}

  /** The q-quantile (0 ≤ q ≤ 1) of x; NaN for no values or when any value is NaN (as numpy). */
  public static double quantile(double[] x, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile q must be in [0, 1], got " + q);
    }
    if (x.length == 0) {
      return Double.NaN;
    }
    double[] s = x.clone();
    Arrays.sort(s);
    if (Double.isNaN(s[s.length - 1])) { // Arrays.sort puts NaN last
      return Double.NaN;
    }
    return quantileOfSorted(s, q);
  }

  public static double median(double[] x) {
    return quantile(x, 0.5);
  }

  /** The q-quantile of already sorted, NaN-free values (no copy). */
  static double quantileOfSorted(double[] s, double q) {
    double h = (s.length - 1) * q;
    int lo = (int) Math.floor(h);
    if (lo >= s.length - 1) {
      return s[s.length - 1];
    }
    double t = h - lo;
    double a = s[lo];
    double b = s[lo + 1];
    // numpy's _lerp: symmetric form keeps results exact at the ends and monotone
    return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
  }
}
