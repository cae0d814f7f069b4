package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;

/**
 * SnapKV: the observation window (the last {@code window} positions) is always kept; earlier positions are ranked by
 * the attention the window's queries pay them, summed over the window queries, pooled over positions, averaged over
 * the query heads of each KV head. See {@link KvPolicy} for the full description.
 */
public record SnapKv(int window, int kernel, Pooling pooling) implements KvPolicy {

  public enum Pooling { AVGPOOL, MAXPOOL }

  @Override
  public String name() { return "snapkv"; }

  @Override
  public Needs needs() { return Needs.WINDOW_QUERIES; }

  @Override
  public String keepWholeReason(int length, int nKept) {
    if (length <= window) return "context (" + length + " positions) not longer than the SnapKV observation window (" + window + "): kept whole";
    return KvPolicy.super.keepWholeReason(length, nKept);
  }

  @Override
  public float[][] score(LayerState s) {
    NDArray a = s.windowAttention();
    if (a == null) throw new IllegalStateException("snapkv needs the observation window's attention");
    int len = s.length();
    int w = (int) a.getShape().get(1);
    int prefix = len - w;
    float[][] summed;
    try (NDArray sum = a.sum(new int[] {1})) {
      summed = LayerState.rows(sum, s.numHeads(), len);
    }
    float[][] pooled = new float[s.numHeads()][];
    for (int h = 0; h < s.numHeads(); h++) pooled[h] = pool(summed[h], Math.max(0, prefix), kernel, pooling);
    float[][] perKv = LayerState.groupMean(pooled, s.kvHeads());
    float[][] out = new float[s.kvHeads()][len];
    for (int g = 0; g < s.kvHeads(); g++) {
      System.arraycopy(perKv[g], 0, out[g], 0, Math.max(0, prefix));
      for (int j = Math.max(0, prefix); j < len; j++) out[g][j] = Float.POSITIVE_INFINITY;
    }
    return out;
  }

  /**
   * 1-D pooling of {@code x[0..n)} with the given odd kernel, padding kernel/2, stride 1 (torch's avg_pool1d with
   * count_include_pad=True: zeros padded and the sum divided by the kernel; max_pool1d: padding ignored).
   */
  public static float[] pool(float[] x, int n, int kernel, Pooling pooling) {
    int pad = kernel / 2;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      double acc = pooling == Pooling.AVGPOOL ? 0 : Double.NEGATIVE_INFINITY;
      for (int j = i - pad; j <= i + pad; j++) {
        if (j < 0 || j >= n) continue;
        acc = pooling == Pooling.AVGPOOL ? acc + x[j] : Math.max(acc, x[j]);
      }
      out[i] = (float) (pooling == Pooling.AVGPOOL ? acc / kernel : acc);
    }
    return out;
  }
}
