package dev.harness.stats;

import java.util.SplittableRandom;

/**
 * Paired sign-flip permutation test of "the paired differences are symmetric about 0": the statistic is |Σ dᵢ|, and
 * under the null every sign pattern of the non-zero differences is equally likely. Exact enumeration (Gray code, one
 * sign flip per step) when there are at most {@link #EXACT_MAX} non-zero differences: p = #{patterns with |S| ≥
 * |S_obs|} / 2^k; otherwise {@link #MONTE_CARLO} random patterns from a seeded generator, p = (1 + #{|S| ≥ |S_obs|}) /
 * (1 + draws), which is itself a valid p-value. Zero differences are dropped (they flip to themselves). Values within
 * 1e-9 × Σ|dᵢ| of |S_obs| count as ties, so floating-point summation order cannot change a p-value.
 */
public final class SignFlip {
  /** Most non-zero differences enumerated exactly (2^20 patterns). */
  public static final int EXACT_MAX = 20;
  /** Random sign patterns drawn above {@link #EXACT_MAX}. */
  public static final int MONTE_CARLO = 20_000;

  private SignFlip() {}

  /** Two-sided sign-flip test of the differences {@code d}; {@code seed} only matters above {@link #EXACT_MAX}. */
  public static PairedTest test(double[] d, long seed) {
    int k = 0;
    for (double v : d) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("sign-flip test: difference " + v + " is not finite");
      }
      if (v != 0) {
        k++;
      }
    }
    double[] x = new double[k];
    double total = 0;
    double observed = 0;
    int j = 0;
    for (double v : d) {
      if (v != 0) {
        x[j++] = Math.abs(v);
        total += Math.abs(v);
        observed += v;
      }
    }
    if (k == 0) {
      return new PairedTest("sign_flip_exact", d.length, 0, 1.0);
    }
    double bar = Math.abs(observed) - 1e-9 * total;
    if (k <= EXACT_MAX) {
      boolean[] negative = new boolean[k];
      double s = total;
      long count = Math.abs(s) >= bar ? 1 : 0;
      long patterns = 1L << k;
      for (long i = 1; i < patterns; i++) {
        int bit = Long.numberOfTrailingZeros(i);
        negative[bit] = !negative[bit];
        s += negative[bit] ? -2 * x[bit] : 2 * x[bit];
        if (Math.abs(s) >= bar) {
          count++;
        }
      }
      return new PairedTest("sign_flip_exact", d.length, k, (double) count / patterns);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    long count = 0;
    for (int r = 0; r < MONTE_CARLO; r++) {
      double s = 0;
      long bits = 0;
      for (int i = 0; i < k; i++) {
        if ((i & 63) == 0) {
          bits = rnd.nextLong();
        }
        s += (bits & 1L) == 0 ? x[i] : -x[i];
        bits >>>= 1;
      }
      if (Math.abs(s) >= bar) {
        count++;
      }
    }
    return new PairedTest("sign_flip_monte_carlo", d.length, k, (1.0 + count) / (1.0 + MONTE_CARLO));
  }
}
