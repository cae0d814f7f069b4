package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;

/**
 * What a policy may read about one layer when scoring its cached positions.
 *
 * @param layer layer index
 * @param numHeads query heads (a KV head serves numHeads / kvHeads consecutive query heads)
 * @param kvHeads KV heads
 * @param length cached positions (the context length: positions 0 … length−1)
 * @param keys cached keys [kvHeads, length, headDim] (rotated), or null when the policy does not read them
 * @param windowAttention softmax attention [numHeads, w, length] of the last w queries (causal inside the window;
 *     zeros on keys a query cannot see), or null
 * @param cumulativeAttention attention [numHeads, length] each key received, summed over all prefill queries, or null
 */
public record LayerState(int layer, int numHeads, int kvHeads, int length, NDArray keys, NDArray windowAttention,
    NDArray cumulativeAttention) {

  public LayerState {
    if (numHeads % kvHeads != 0) throw new IllegalArgumentException(numHeads + " query heads do not group onto " + kvHeads + " KV heads");
  }

  public int group() { return numHeads / kvHeads; }

  static float[][] rows(NDArray a, int rows, int cols) {
    float[] flat = dev.harness.engine.local.HostReads.floats(a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
    if (flat.length != (long) rows * cols) throw new IllegalArgumentException("expected " + rows + "×" + cols + " values, got " + flat.length);
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) System.arraycopy(flat, r * cols, out[r], 0, cols);
    return out;
  }

  /** Mean over each group of query-head rows: [numHeads][n] → [kvHeads][n]. */
  static float[][] groupMean(float[][] perHead, int kvHeads) {
    int group = perHead.length / kvHeads;
    int n = perHead[0].length;
    float[][] out = new float[kvHeads][n];
    for (int h = 0; h < perHead.length; h++) {
      float[] o = out[h / group];
      for (int j = 0; j < n; j++) o[j] += perHead[h][j];
    }
    for (float[] o : out) for (int j = 0; j < n; j++) o[j] /= group;
    return out;
  }
}
