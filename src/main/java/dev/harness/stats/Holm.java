package dev.harness.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down adjustment: with the m p-values sorted ascending p(1) ≤ … ≤ p(m), the adjusted p(i) = max over j ≤ i
 * of min(1, (m − j + 1) · p(j)). Rejecting every hypothesis whose adjusted p ≤ α controls the family-wise error rate at
 * α under any dependence between the tests (Holm 1979).
 */
public final class Holm {
  private Holm() {}

  /** Adjusted p-values in the input's order. */
  public static double[] adjust(double[] p) {
    int m = p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException("p-value " + i + " is " + p[i] + ", expected a number in [0, 1]");
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] out = new double[m];
    double running = 0;
    for (int r = 0; r < m; r++) {
      running = Math.max(running, Math.min(1.0, (m - r) * p[order[r]]));
      out[order[r]] = running;
    }
    return out;
  }
}
