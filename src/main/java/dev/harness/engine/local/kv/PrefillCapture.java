package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What the forward pass records during a prefill for a compression policy, with bounded memory: the rotated queries of
 * the positions from {@code fromPosition} on (SnapKV's observation window: [heads, w, headDim] per layer), and/or the
 * attention every key received, summed over the queries (H2O: [heads, length] per layer). Set on a {@link KvCache}
 * ({@link KvCache#capture(PrefillCapture)}) for the prefill, then read by {@link KvCompressor}. Close it afterwards.
 */
public final class PrefillCapture implements AutoCloseable {
  private final NDManager manager;
  private final int fromPosition;
  private final boolean cumulative;
  private final NDArray[] queries;
  private final NDArray[] attention;

  /**
   * @param fromPosition queries at positions ≥ this are kept (−1: none)
   * @param cumulative whether to sum attention probabilities over queries
   */
  public PrefillCapture(NDManager parent, int numLayers, int fromPosition, boolean cumulative) {
    this.manager = parent.newSubManager();
    this.fromPosition = fromPosition;
    this.cumulative = cumulative;
    this.queries = new NDArray[numLayers];
    this.attention = new NDArray[numLayers];
  }

  /** A capture for what {@code policy} needs when it compresses a context of {@code length} positions, or null. */
  public static PrefillCapture forPolicy(KvPolicy policy, NDManager parent, int numLayers, int length) {
    return switch (policy.needs()) {
      case NOTHING -> null;
      case WINDOW_QUERIES -> new PrefillCapture(parent, numLayers, Math.max(0, length - policy.window()), false);
      case CUMULATIVE_ATTENTION -> new PrefillCapture(parent, numLayers, -1, true);
    };
  }

  public boolean wantsProbs() { return cumulative; }

  /** Called by the model with one layer's rotated queries q [heads, T, headDim] at {@code positions}. */
  public void queries(int layer, NDArray q, int[] positions) {
    if (fromPosition < 0 || positions.length == 0 || positions[positions.length - 1] < fromPosition) return;
    int first = 0;
    while (positions[first] < fromPosition) first++;
    NDArray part = q.get(new NDIndex(":, {}:, :", first)).duplicate();
    NDArray prev = queries[layer];
    NDArray next = prev == null ? part : prev.concat(part, 1);
    keep(next);
    if (prev != null) prev.close();
    queries[layer] = next;
  }

  /**
   * Called by the model with one layer's softmax probabilities [kvHeads, group·T, L] (query head h = kvHead·group + g;
   * new keys 0 … L−1): adds each key's attention, summed over the T queries, to the running sum per query head.
   */
  public void probs(int layer, NDArray probs, int numHeads) {
    if (!cumulative) return;
    Shape s = probs.getShape();
    long kvHeads = s.get(0);
    long group = numHeads / kvHeads;
    long t = s.get(1) / group;
    long len = s.get(2);
    NDArray sum = probs.toType(DataType.FLOAT32, false).reshape(kvHeads, group, t, len).sum(new int[] {2}).reshape(numHeads, len);
    NDArray prev = attention[layer];
    NDArray next;
    if (prev == null) {
      next = sum;
    } else {
      long had = prev.getShape().get(1);
      NDArray padded = had == len ? prev : prev.concat(manager.zeros(new Shape(numHeads, len - had), DataType.FLOAT32), 1);
      next = sum.add(padded);
      if (padded != prev) padded.close();
    }
    keep(next);
    if (prev != null) prev.close();
    attention[layer] = next;
  }

  private void keep(NDArray a) {
    NDScope.unregister(a);
    a.attach(manager);
  }

  /** The captured window queries of a layer [heads, w, headDim], or null. */
  public NDArray windowQueries(int layer) { return queries[layer]; }

  /** The summed attention of a layer [heads, length], or null. */
  public NDArray cumulativeAttention(int layer) { return attention[layer]; }

  @Override
  public void close() { manager.close(); }
}
