package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The KV cache of a batch of sequences that share one column axis: per layer K and V [batch, kvHeads, capacity,
 * headDim], of which the first {@link #length()} columns are used. Sequences are padded (left padding for a prompt
 * batch), so each (sequence, column) slot is either a real token or padding ({@link #valid}); padding is never
 * attended by a real token ({@link #attentionMask}). Each sequence keeps its own next position: the number of real
 * tokens it has seen, so positions start at 0 per sequence whatever the padding. No compression. Close it when done.
 */
public final class BatchKvCache implements AutoCloseable {
  private final NDManager manager;
  private final int kvHeads;
  private final int headDim;
  private final DataType type;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int batch;
  private int capacity;
  private int length;
  private int pending;
  private boolean[][] valid;
  private int[] nextPosition;

  public BatchKvCache(NDManager parent, int numLayers, int batch, int kvHeads, int headDim, DataType type, int capacityHint) {
    if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    this.manager = parent.newSubManager();
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.type = type;
    this.keys = new NDArray[numLayers];
    this.values = new NDArray[numLayers];
    this.batch = batch;
    this.capacity = Math.max(1, capacityHint);
    this.valid = new boolean[batch][capacity];
    this.nextPosition = new int[batch];
  }

  public int batch() { return batch; }

  public int numLayers() { return keys.length; }

  /** Columns used (padding included). */
  public int length() { return length; }

  /** The position the next real token of sequence {@code b} takes (real tokens seen so far). */
  public int nextPosition(int b) { return nextPosition[b]; }

  /** Whether column {@code col} of sequence {@code b} holds a real token (not padding). */
  public boolean valid(int b, int col) { return valid[b][col]; }

  /**
   * Positions the tokens of a chunk [batch][T] take ({@code real} marks real tokens): each sequence's real tokens
   * continue from its next position; padding gets position 0 (it is never attended, so its position does not matter).
   */
  public int[] positions(boolean[][] real) {
    int t = real[0].length;
    int[] pos = new int[batch * t];
    for (int b = 0; b < batch; b++) {
      int p = nextPosition[b];
      for (int i = 0; i < t; i++) pos[b * t + i] = real[b][i] ? p++ : 0;
    }
    return pos;
  }

  /**
   * Additive float32 mask [batch, 1, 1, T, length+T] for a chunk of T columns after the cached ones, shaped to
   * broadcast over KV heads and query groups: query column i of sequence b sees cached and new columns j ≤ i that hold
   * real tokens, and always itself (so a padding query has a finite softmax and a finite output that nobody reads).
   * Null when nothing is hidden (one column, no padding anywhere).
   */
  public NDArray attentionMask(NDManager m, boolean[][] real) {
    int t = real[0].length;
    int past = length;
    int len = past + t;
    boolean anyPad = false;
    for (int b = 0; b < batch && !anyPad; b++) {
      for (int j = 0; j < past && !anyPad; j++) anyPad = !valid[b][j];
      for (int i = 0; i < t && !anyPad; i++) anyPad = !real[b][i];
    }
    if (t == 1 && !anyPad) return null;
    float[] mask = new float[batch * t * len];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        int row = (b * t + i) * len;
        for (int j = 0; j < len; j++) {
          boolean seen = j == past + i || (j < past + i && (j < past ? valid[b][j] : real[b][j - past]));
          if (!seen) mask[row + j] = Float.NEGATIVE_INFINITY;
        }
      }
    }
    return m.create(mask, new Shape(batch, 1, 1, t, len));
  }

  /**
   * Keys [batch, kvHeads, L, headDim] of one layer, a view attached to {@code m}: the used columns plus the chunk
   * appended to that layer by the forward pass in progress.
   */
  public NDArray keys(int layer, NDManager m) { return keys[layer].get(m, new NDIndex(":, :, 0:{}, :", length + pending)); }

  /** Values of one layer, as {@link #keys}. */
  public NDArray values(int layer, NDManager m) { return values[layer].get(m, new NDIndex(":, :, 0:{}, :", length + pending)); }

  /**
   * Writes one layer's new entries k, v [batch, kvHeads, T, headDim] at columns length … length+T−1. Every layer
   * appends the same chunk; then {@link #advance} moves the length on.
   */
  public void append(int layer, NDArray k, NDArray v) {
    int t = (int) k.getShape().get(2);
    ensureCapacity(length + t);
    if (keys[layer] == null) {
      keys[layer] = newArray();
      values[layer] = newArray();
    }
    NDIndex slot = new NDIndex(":, :, {}:{}, :", length, length + t);
    keys[layer].set(slot, k.getDataType() == type ? k : k.toType(type, false));
    values[layer].set(slot, v.getDataType() == type ? v : v.toType(type, false));
    pending = t;
  }

  /** Called by the model after every layer appended a chunk whose real tokens are marked by {@code real}. */
  public void advance(boolean[][] real) {
    int t = real[0].length;
    ensureCapacity(length + t);
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        valid[b][length + i] = real[b][i];
        if (real[b][i]) nextPosition[b]++;
      }
    }
    length += t;
    pending = 0;
  }

  /** Keeps only the sequences {@code rows} (ascending indices into the current batch), in that order. */
  public void keep(int[] rows) {
    if (rows.length == batch) return;
    if (rows.length == 0) throw new IllegalArgumentException("a batch cache keeps at least one sequence");
    long[] idx = new long[rows.length];
    boolean[][] nv = new boolean[rows.length][];
    int[] np = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      idx[i] = rows[i];
      nv[i] = valid[rows[i]];
      np[i] = nextPosition[rows[i]];
    }
    try (NDManager tmp = manager.newSubManager()) {
      NDArray index = tmp.create(idx);
      for (int l = 0; l < keys.length; l++) {
        if (keys[l] == null) continue;
        keys[l] = select(keys[l], index, tmp);
        values[l] = select(values[l], index, tmp);
      }
    }
    batch = rows.length;
    valid = nv;
    nextPosition = np;
  }

  private NDArray select(NDArray a, NDArray index, NDManager tmp) {
    NDArray out = a.get(tmp, new NDIndex("{}", index));
    NDScope.unregister(out);
    out.attach(manager);
    a.close();
    return out;
  }

  /** Bytes of an uncompressed single-sequence cache of sequence b's real tokens (what one-by-one would hold). */
  public long sequenceBytes(int b) {
    return (long) keys.length * 2L * kvHeads * nextPosition[b] * headDim * type.getNumOfBytes();
  }

  private NDArray newArray() {
    NDArray a = manager.zeros(new Shape(batch, kvHeads, capacity, headDim), type);
    NDScope.unregister(a);
    return a;
  }

  private void ensureCapacity(int needed) {
    if (needed <= capacity) return;
    int newCap = Math.max(needed, capacity * 2);
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] == null) continue;
      keys[l] = grow(keys[l], newCap);
      values[l] = grow(values[l], newCap);
    }
    for (int b = 0; b < batch; b++) valid[b] = Arrays.copyOf(valid[b], newCap);
    capacity = newCap;
  }

  private NDArray grow(NDArray a, int newCap) {
    NDArray n = manager.zeros(new Shape(batch, kvHeads, newCap, headDim), type);
    NDScope.unregister(n);
    if (length > 0) {
      NDIndex used = new NDIndex(":, :, 0:{}, :", length);
      try (NDManager tmp = manager.newSubManager()) {
        n.set(used, a.get(tmp, used));
      }
    }
    a.close();
    return n;
  }

  @Override
  public void close() {
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] != null) keys[l].close();
      if (values[l] != null) values[l].close();
      keys[l] = null;
      values[l] = null;
    }
    manager.close();
  }
}
