package dev.harness.stats;

/**
 * One exact (or seeded Monte Carlo) test of "no difference" between paired (or, without a baseline run, two
 * independent) samples.
 *
 * @param test {@code mcnemar_exact}, {@code sign_flip_exact}, {@code sign_flip_monte_carlo},
 *     {@code permutation_monte_carlo}, or {@code none} (nothing to compare)
 * @param n pairs compared (unpaired: items of the tested bin)
 * @param informative discordant pairs (McNemar), non-zero differences (sign flip); unpaired: the smaller group size.
 *     The other pairs carry no information about the direction of a change
 * @param p two-sided p-value; 1 when {@code informative} is 0
 */
public record PairedTest(String test, int n, int informative, double p) {
  /** 0/1 outcomes on both sides: McNemar exact on the discordant pairs; otherwise the sign-flip test. */
  public static PairedTest of(double[] a, double[] b, long seed) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired samples differ in length: " + a.length + " vs " + b.length);
    }
    if (binary(a) && binary(b)) {
      int onlyA = 0;
      int onlyB = 0;
      for (int i = 0; i < a.length; i++) {
        if (a[i] == 1 && b[i] == 0) {
          onlyA++;
        } else if (a[i] == 0 && b[i] == 1) {
          onlyB++;
        }
      }
      return new PairedTest("mcnemar_exact", a.length, onlyA + onlyB, McNemar.test(onlyA, onlyB).exactP());
    }
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return SignFlip.test(d, seed);
  }

  private static boolean binary(double[] x) {
    for (double v : x) {
      if (v != 0 && v != 1) {
        return false;
      }
    }
    return true;
  }
}
