package dev.harness.engine.local;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Log-softmax and top-k over float32 logits, accumulated in double. */
public final class LogProbs {
  private LogProbs() {}

  public static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    double lse = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
    return out;
  }

  /** Indices of the k largest values, largest first (ties: lower id first); k <= 0 or k >= n means all. */
  public static int[] topK(double[] values, int k) {
    int n = values.length;
    int kk = k <= 0 || k >= n ? n : k;
    if (kk == n) {
      return IntStream.range(0, n).boxed()
          .sorted(Comparator.<Integer>comparingDouble(i -> -values[i]).thenComparingInt(i -> i))
          .mapToInt(Integer::intValue).toArray();
    }
    // partial selection: keep a sorted buffer of size kk
    int[] best = new int[kk];
    int size = 0;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (size == kk && v <= values[best[kk - 1]]) continue;
      int pos = size < kk ? size++ : kk - 1;
      while (pos > 0 && values[best[pos - 1]] < v) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = i;
    }
    return Arrays.copyOf(best, size);
  }

  public static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    return best;
  }
}
