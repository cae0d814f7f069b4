package dev.harness.engine.local;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.model.CausalLM;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The model's forward pass in prefill chunks, as every engine path calls it: one sequence through its {@link KvCache},
 * or left-padded sequences through a {@link BatchKvCache}; float32 logits rows come back as Java arrays. Runs under
 * the engine lock (the caller takes it).
 */
final class ChunkedForward implements CompressedPrefill.Forward {
  /** Prefill runs in chunks of this many tokens so attention scores stay [heads, CHUNK, len]. */
  static final int PREFILL_CHUNK = 512;

  private final CausalLM model;

  ChunkedForward(CausalLM model) { this.model = model; }

  /** Runs ids through the model in prefill chunks; returns logits rows for positions from {@code logitsFrom} on. */
  @Override
  public float[][] run(NDManager seq, int[] ids, KvCache cache, int logitsFrom) {
    float[][] out = new float[Math.max(0, ids.length - logitsFrom)][];
    int row = 0;
    for (int s = 0; s < ids.length; s += PREFILL_CHUNK) {
      int e = Math.min(ids.length, s + PREFILL_CHUNK);
      int from = Math.max(0, logitsFrom - s);
      try (NDManager step = seq.newSubManager()) {
        NDArray l = model.forward(step, Arrays.copyOfRange(ids, s, e), cache, from);
        int rows = (int) l.getShape().get(0);
        if (rows == 0) continue;
        // Read the rows straight out of the tensor's memory (a direct buffer over it, no copy): toFloatArray would
        // make two more heap copies of every step's [rows, vocab] logits, which over a long decode is most of the
        // Java garbage and grows the heap's resident size.
        FloatBuffer flat = HostReads.floatBuffer(l);
        int v = flat.remaining() / rows;
        for (int i = 0; i < rows; i++) {
          out[row] = new float[v];
          flat.get(out[row++]);
        }
      }
    }
    return out;
  }

  /**
   * Prefills left-padded sequences (padding: token 0, marked as not real) to {@code width} in column chunks of
   * PREFILL_CHUNK / batch, so the attention scores stay as large as a single sequence's; returns each sequence's
   * logits for columns {@code from..width-1} ([sequence][column − from]). Generation asks for the last column only;
   * teacher forcing for the continuation's columns.
   */
  float[][][] prefillBatch(NDManager seq, BatchKvCache cache, List<int[]> inputs, int width, int from) {
    int n = inputs.size();
    int[][] ids = new int[n][width];
    boolean[][] real = new boolean[n][width];
    for (int s = 0; s < n; s++) {
      int[] p = inputs.get(s);
      System.arraycopy(p, 0, ids[s], width - p.length, p.length);
      Arrays.fill(real[s], width - p.length, width, true);
    }
    float[][][] rows = new float[n][width - from][];
    int chunk = Math.max(16, PREFILL_CHUNK / n);
    for (int c = 0; c < width; c += chunk) {
      int e = Math.min(width, c + chunk);
      int[][] ci = new int[n][];
      boolean[][] cr = new boolean[n][];
      for (int s = 0; s < n; s++) {
        ci[s] = Arrays.copyOfRange(ids[s], c, e);
        cr[s] = Arrays.copyOfRange(real[s], c, e);
      }
      int f = Math.min(Math.max(0, from - c), e - c);
      float[][] l = runBatch(seq, cache, ci, cr, f);
      int per = e - c - f;
      for (int s = 0; s < n; s++) {
        for (int k = 0; k < per; k++) rows[s][c + f + k - from] = l[s * per + k];
      }
    }
    return rows;
  }

  /** One batched forward step; returns rows [batch × (T − logitsFrom)] of float32 logits, sequence-major. */
  float[][] runBatch(NDManager seq, BatchKvCache cache, int[][] ids, boolean[][] real, int logitsFrom) {
    try (NDManager step = seq.newSubManager()) {
      NDArray l = model.forwardBatch(step, ids, real, cache, logitsFrom);
      int rows = (int) (l.getShape().get(0) * l.getShape().get(1));
      if (rows == 0) return new float[0][];
      float[] flat = HostReads.floats(l);
      int v = flat.length / rows;
      float[][] out = new float[rows][];
      for (int i = 0; i < rows; i++) out[i] = Arrays.copyOfRange(flat, i * v, (i + 1) * v);
      return out;
    }
  }
}
