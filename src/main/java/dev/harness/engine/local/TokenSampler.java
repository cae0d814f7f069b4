package dev.harness.engine.local;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/** Picks the next token: argmax at temperature 0, else softmax(logits / T) restricted to the top-p nucleus. */
public final class TokenSampler {
  private TokenSampler() {}

  public static int next(float[] logits, double temperature, double topP, Random rng) {
    if (temperature <= 0) return LogProbs.argMax(logits);
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    if (topP >= 1.0) return draw(p, null, n, sum, rng);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparingInt(i -> i));
    double cum = 0;
    int keep = 0;
    while (keep < n) {
      cum += p[order[keep]] / sum;
      keep++;
      if (cum >= topP) break;
    }
    double kept = 0;
    for (int i = 0; i < keep; i++) kept += p[order[i]];
    return draw(p, order, keep, kept, rng);
  }

  private static int draw(double[] p, Integer[] order, int count, double total, Random rng) {
    double u = rng.nextDouble() * total;
    double acc = 0;
    for (int i = 0; i < count; i++) {
      int id = order == null ? i : order[i];
      acc += p[id];
      if (u < acc) return id;
    }
    return order == null ? count - 1 : order[count - 1];
  }
}
