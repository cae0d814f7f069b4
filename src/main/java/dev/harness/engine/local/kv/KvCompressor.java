package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Applies a {@link KvPolicy} to a prefilled cache: per layer, scores, selects {@code nKept} positions per KV head and
 * replaces the layer's keys and values by new, smaller tensors holding only the kept entries (original order).
 */
public final class KvCompressor {
  private KvCompressor() {}

  /**
   * What compression did.
   *
   * @param kept kept original positions [layer][kvHead][n_kept]
   * @param fullBytes K and V bytes of the uncompressed context (all layers)
   * @param keptBytes K and V bytes of the kept tensors (all layers), measured from their shapes
   */
  public record Result(int[][][] kept, long fullBytes, long keptBytes) {
    public int nKept() { return kept.length == 0 || kept[0].length == 0 ? 0 : kept[0][0].length; }
  }

  /** Scores and compresses every layer of {@code cache} (which holds exactly the context) to {@code nKept} positions. */
  public static Result compress(KvCache cache, KvPolicy policy, int nKept, PrefillCapture capture, int numHeads) {
    return compress(cache, policy, nKept, capture, numHeads, cache.nextPosition());
  }

  /**
   * Scores every cached position of every layer (the cache holds positions 0 … L−1 after a prefill, the question
   * possibly included, so that the scores see it) and keeps, per KV head, the {@code nKept} best among the first
   * {@code candidates} positions (the context); the rest (the question) is dropped, for the caller to
   * {@linkplain KvCache#resumeAt rewind} to {@code candidates} and run again through the compressed cache. Full and
   * kept bytes count the context's positions only.
   */
  public static Result compress(KvCache cache, KvPolicy policy, int nKept, PrefillCapture capture, int numHeads,
      int candidates) {
    int layers = cache.numLayers();
    int[][][] kept = new int[layers][][];
    long full = 0;
    for (int l = 0; l < layers; l++) {
      LayerCache lc = cache.layer(l);
      if (candidates < 0 || candidates > lc.length()) throw new IllegalArgumentException("cannot choose among " + candidates + " of " + lc.length() + " positions");
      full += 2L * lc.kvHeads() * candidates * lc.headDim() * lc.dataType().getNumOfBytes();
    }
    for (int l = 0; l < layers; l++) {
      LayerCache lc = cache.layer(l);
      try (NDManager step = cache.manager().newSubManager()) {
        NDArray keys = lc.keys(step);
        NDArray window = null;
        if (capture != null && capture.windowQueries(l) != null) window = windowAttention(capture.windowQueries(l), keys);
        NDArray cum = capture == null ? null : capture.cumulativeAttention(l);
        LayerState st = new LayerState(l, numHeads, lc.kvHeads(), lc.length(), keys, window, cum);
        float[][] scores = policy.score(st);
        if (candidates < lc.length()) {
          for (int h = 0; h < scores.length; h++) scores[h] = java.util.Arrays.copyOf(scores[h], candidates);
        }
        kept[l] = KvPolicy.select(scores, nKept);
      }
    }
    return new Result(kept, full, applyKept(cache, kept));
  }

  /**
   * Keeps, in every layer, the given original positions [layer][kvHead][n] (each head's list ascending; the cache must
   * hold positions 0 … length−1 in order, as after a prefill). Returns the bytes of the new K and V tensors.
   */
  public static long applyKept(KvCache cache, int[][][] kept) {
    long bytes = 0;
    for (int l = 0; l < cache.numLayers(); l++) {
      LayerCache lc = cache.layer(l);
      int kvHeads = lc.kvHeads();
      int n = kept[l][0].length;
      long[] idx = new long[kvHeads * n];
      for (int h = 0; h < kvHeads; h++) {
        int[] own = lc.positions(h);
        for (int j = 0; j < n; j++) {
          int p = kept[l][h][j];
          int at = java.util.Arrays.binarySearch(own, p);
          if (at < 0) throw new IllegalArgumentException("layer " + l + " head " + h + " holds no position " + p);
          idx[h * n + j] = at;
        }
      }
      try (NDManager step = cache.manager().newSubManager()) {
        NDArray index = step.create(idx, new Shape(kvHeads, n, 1)).broadcast(kvHeads, n, lc.headDim());
        NDArray k = lc.keys(step).gather(index, 1);
        NDArray v = lc.values(step).gather(index, 1);
        bytes += (k.size() + v.size()) * (long) k.getDataType().getNumOfBytes();
        lc.replace(k, v, kept[l]);
      }
    }
    return bytes;
  }

  /**
   * Softmax attention [heads, w, L] of the last w queries q [heads, w, d] (at positions L−w … L−1) over keys
   * [kvHeads, L, d], scaled by d^(−1/2), causal inside the window, in float32. Attached to the keys' manager.
   */
  public static NDArray windowAttention(NDArray q, NDArray keys) {
    Shape qs = q.getShape();
    long heads = qs.get(0);
    long w = qs.get(1);
    long d = qs.get(2);
    long kvHeads = keys.getShape().get(0);
    long len = keys.getShape().get(1);
    long group = heads / kvHeads;
    NDArray k32 = keys.toType(DataType.FLOAT32, false);
    NDArray qg = q.toType(DataType.FLOAT32, false).reshape(kvHeads, group * w, d);
    NDArray scores = k32.matMul(qg.transpose(0, 2, 1)).transpose(0, 2, 1).divi(Math.sqrt(d));
    float[] mask = new float[(int) (w * len)];
    for (int i = 0; i < w; i++) {
      for (long j = len - w + i + 1; j < len; j++) mask[(int) (i * len + j)] = Float.NEGATIVE_INFINITY;
    }
    NDArray m = keys.getManager().create(mask, new Shape(w, len));
    if (group > 1) m = m.tile(new long[] {group, 1});
    return scores.addi(m).softmax(-1).reshape(heads, w, len);
  }
}
