package dev.harness.stats;

import java.util.SplittableRandom;

/**
 * Paired bootstrap over items: the same resampled indices for both systems, CI = percentiles of mean(a_i − b_i).
 * With several seeds per item, average each item over its seeds first ({@link #averageSeeds}).
 */
public final class PairedBootstrap {
  private PairedBootstrap() {}

  /**
   * Percentile CI of mean(a − b) over paired items (a[i] and b[i] are the same item). Estimate = mean(a) − mean(b).
   * Identical inputs give exactly [0, 0]; n = 0 a NaN interval.
   *
   * @throws IllegalArgumentException when the lengths differ or a score is NaN
   */
  public static Interval meanDiffCi(double[] a, double[] b, int iterations, double level, long seed) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired scores differ in length: " + a.length + " vs " + b.length);
    }
    Bootstrap.check(iterations, level);
    Bootstrap.requireFinite(a, "a");
    Bootstrap.requireFinite(b, "b");
    int n = a.length;
    if (n == 0) {
      return Interval.empty(level);
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[i] - b[i];
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] means = new double[iterations];
    for (int it = 0; it < iterations; it++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += d[rng.nextInt(n)];
      }
      means[it] = sum / n;
    }
    return Bootstrap.percentileInterval(Descriptive.mean(d), means, n, level);
  }

  /** Per-item mean over seeds: {@code itemBySeed[i]} holds item i's scores, one per seed. */
  public static double[] averageSeeds(double[][] itemBySeed) {
    double[] out = new double[itemBySeed.length];
    for (int i = 0; i < itemBySeed.length; i++) {
      if (itemBySeed[i] == null || itemBySeed[i].length == 0) {
        throw new IllegalArgumentException("item " + i + " has no seed scores");
      }
      out[i] = Descriptive.mean(itemBySeed[i]);
    }
    return out;
  }
}
