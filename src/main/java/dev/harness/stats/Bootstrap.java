package dev.harness.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Percentile bootstrap of a mean of per-item scores (DESIGN §7: default 10,000 resamples, seeded). */
public final class Bootstrap {
  public static final int DEFAULT_ITERATIONS = 10_000;
  public static final double DEFAULT_LEVEL = 0.95;

  private Bootstrap() {}

  /**
   * Percentile CI of the mean: resample n items with replacement {@code iterations} times (SplittableRandom seeded
   * with {@code seed}), take the (1−level)/2 and (1+level)/2 quantiles (numpy linear) of the resampled means. The
   * estimate is the sample mean. n = 0 gives a NaN interval; n = 1 gives [x, x].
   *
   * @throws IllegalArgumentException for NaN scores, iterations &lt; 1 or a level outside (0, 1)
   */
  public static Interval meanCi(double[] x, int iterations, double level, long seed) {
    check(iterations, level);
    requireFinite(x, "x");
    if (x.length == 0) {
      return Interval.empty(level);
    }
    int n = x.length;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] means = new double[iterations];
    for (int it = 0; it < iterations; it++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += x[rng.nextInt(n)];
      }
      means[it] = sum / n;
    }
    return percentileInterval(Descriptive.mean(x), means, n, level);
  }

  static Interval percentileInterval(double estimate, double[] stats, int n, double level) {
    Arrays.sort(stats);
    double alpha = (1 - level) / 2;
    return new Interval(estimate, Percentiles.quantileOfSorted(stats, alpha),
        Percentiles.quantileOfSorted(stats, 1 - alpha), n, level);
  }

  static void check(int iterations, double level) {
    if (iterations < 1) {
      throw new IllegalArgumentException("bootstrap iterations must be >= 1, got " + iterations);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
  }

  static void requireFinite(double[] x, String name) {
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + x[i] + ": drop missing scores before resampling");
      }
    }
  }
}
