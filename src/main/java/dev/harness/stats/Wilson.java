package dev.harness.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Wilson score interval for a rate (failure rates, accuracies of 0/1 outcomes). */
public final class Wilson {
  private Wilson() {}

  /**
   * Wilson score interval, z = Φ⁻¹(1 − (1−level)/2), estimate = successes/n, bounds clamped to [0, 1] (exactly 0 for
   * 0 successes, exactly 1 for n successes). n = 0 gives a NaN interval.
   */
  public static Interval interval(int successes, int n, double level) {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + "/" + n);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    if (n == 0) {
      return Interval.empty(level);
    }
    double z = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(1 - (1 - level) / 2);
    double p = (double) successes / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double center = (p + z2 / (2.0 * n)) / denom;
    double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    double lo = successes == 0 ? 0.0 : Math.max(0.0, center - half);
    double hi = successes == n ? 1.0 : Math.min(1.0, center + half);
    return new Interval(p, lo, hi, n, level);
  }
}
