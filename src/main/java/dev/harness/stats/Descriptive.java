package dev.harness.stats;

/**
 * Mean, sample variance (n−1), standard deviation and standard error sd/√n (lm-eval's stderr). NaN-safe: too few
 * values give NaN (mean of 0 values, variance of fewer than 2), and a NaN value propagates, as in numpy.
 */
public final class Descriptive {
  private Descriptive() {}

  public static double mean(double[] x) {
    if (x.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    return sum / x.length;
  }

  /** Sample variance with n−1 in the denominator (two-pass); NaN for n &lt; 2. */
  public static double variance(double[] x) {
    if (x.length < 2) {
      return Double.NaN;
    }
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return ss / (x.length - 1);
  }

  public static double sd(double[] x) {
    return Math.sqrt(variance(x));
  }

  /** sd (n−1) / √n; NaN for n &lt; 2. */
  public static double stderr(double[] x) {
    return x.length < 2 ? Double.NaN : sd(x) / Math.sqrt(x.length);
  }
}
