package dev.harness.metrics.kl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded percentile bootstrap of a mean for divergences, which may be +∞ (a model that puts mass where the other
 * puts none): unlike {@link dev.harness.stats.Bootstrap}, infinite values propagate — a resample that draws a +∞ has
 * mean +∞ — and interpolating between two infinite order statistics stays infinite instead of turning into NaN.
 */
public final class KlBootstrap {
  private KlBootstrap() {}

  /** {lo, hi} of the percentile interval of the mean; {v, v} for one value; {NaN, NaN} for none or 0 iterations. */
  public static double[] meanInterval(double[] values, int iters, double level, long seed) {
    int n = values.length;
    if (n == 0 || iters == 0) return new double[] {Double.NaN, Double.NaN};
    if (n == 1) return new double[] {values[0], values[0]};
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] means = new double[iters];
    for (int b = 0; b < iters; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += values[rnd.nextInt(n)];
      means[b] = s / n;
    }
    Arrays.sort(means);
    double alpha = (1 - level) / 2;
    return new double[] {quantile(means, alpha), quantile(means, 1 - alpha)};
  }

  /** Linear interpolation between order statistics (type 7) of a sorted array. */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = h - lo;
    if (frac == 0 || sorted[lo] == sorted[hi]) return sorted[lo]; // also keeps +inf from turning into NaN
    return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
  }
}
