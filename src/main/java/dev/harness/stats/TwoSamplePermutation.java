package dev.harness.stats;

import java.util.SplittableRandom;

/** Two-sample permutation test of equal means, for bins compared without a budget-1.0 run (different items). */
public final class TwoSamplePermutation {
  private TwoSamplePermutation() {}

  /**
   * Two-sample permutation test of equal means (statistic |mean x − mean y|): {@link SignFlip#MONTE_CARLO} seeded random
   * relabellings, p = (1 + #{|T| ≥ |T_obs|}) / (1 + draws). Used only when no budget-1.0 run gives pairs.
   */
  public static PairedTest test(double[] x, double[] y, long seed) {
    int n = x.length + y.length;
    if (x.length == 0 || y.length == 0) {
      return new PairedTest("none", x.length, 0, 1.0);
    }
    double[] all = new double[n];
    System.arraycopy(x, 0, all, 0, x.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    double sumAll = 0;
    double scale = 0;
    for (double v : all) {
      sumAll += v;
      scale += Math.abs(v);
    }
    double sumX = 0;
    for (double v : x) {
      sumX += v;
    }
    // |mean x − mean y| is a monotone function of |sumX − x.length·mean(all)|
    double centre = x.length * sumAll / n;
    double bar = Math.abs(sumX - centre) - 1e-9 * (scale + 1);
    SplittableRandom rnd = new SplittableRandom(seed);
    long count = 0;
    double[] work = all.clone();
    for (int r = 0; r < SignFlip.MONTE_CARLO; r++) {
      double s = 0;
      for (int i = 0; i < x.length; i++) { // partial Fisher-Yates: the first x.length of a random permutation
        int pick = i + rnd.nextInt(n - i);
        double t = work[i];
        work[i] = work[pick];
        work[pick] = t;
        s += work[i];
      }
      if (Math.abs(s - centre) >= bar) {
        count++;
      }
    }
    return new PairedTest("permutation_monte_carlo", x.length, Math.min(x.length, y.length),
        (1.0 + count) / (1.0 + SignFlip.MONTE_CARLO));
  }
}
