package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One layer's cached keys and values: K and V each [kvHeads, capacity, headDim] (keys already rotated), of which the
 * first {@link #length()} entries along axis 1 are valid, plus the original position of every cached entry per KV
 * head. A compression policy may {@link #replace} the contents with fewer entries per head (kept positions may differ
 * between heads); later tokens keep their original positions because the cache's next position is tracked in
 * {@link KvCache}, not derived from the length.
 */
public final class LayerCache {
  private final NDManager manager;
  private final int kvHeads;
  private final int headDim;
  private final DataType type;
  private NDArray keys;
  private NDArray values;
  private int[][] positions;
  private int length;

  LayerCache(NDManager manager, int kvHeads, int headDim, DataType type) {
    this.manager = manager;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.type = type;
    this.positions = new int[kvHeads][0];
  }

  public int length() { return length; }

  public int kvHeads() { return kvHeads; }

  public int headDim() { return headDim; }

  public DataType dataType() { return type; }

  /** Original positions of the valid entries of one KV head (a copy). */
  public int[] positions(int kvHead) { return Arrays.copyOf(positions[kvHead], length); }

  /** Valid keys [kvHeads, length, headDim], a view attached to {@code m} (close it with m). */
  public NDArray keys(NDManager m) { return keys.get(m, new NDIndex(":, 0:{}, :", length)); }

  /** Valid values [kvHeads, length, headDim], a view attached to {@code m}. */
  public NDArray values(NDManager m) { return values.get(m, new NDIndex(":, 0:{}, :", length)); }

  /** Appends new entries [kvHeads, T, headDim] at the given original positions (same for every head). */
  public void append(NDArray k, NDArray v, int[] newPositions) {
    int t = newPositions.length;
    ensureCapacity(length + t);
    NDIndex slot = new NDIndex(":, {}:{}, :", length, length + t);
    keys.set(slot, k.getDataType() == type ? k : k.toType(type, false));
    values.set(slot, v.getDataType() == type ? v : v.toType(type, false));
    for (int h = 0; h < kvHeads; h++) System.arraycopy(newPositions, 0, positions[h], length, t);
    length += t;
  }

  /** Keeps only the first {@code n} entries (the next append overwrites the rest): rewinds to a shared prefix. */
  public void truncate(int n) {
    if (n < 0 || n > length) throw new IllegalArgumentException("cannot truncate " + length + " entries to " + n);
    length = n;
  }

  /**
   * Replaces the whole cache with {@code k}, {@code v} [kvHeads, n, headDim] whose entry j of head h came from original
   * position {@code keptPositions[h][j]}. The arrays are taken over (moved to the cache's manager).
   */
  public void replace(NDArray k, NDArray v, int[][] keptPositions) {
    Shape s = k.getShape();
    if (s.dimension() != 3 || s.get(0) != kvHeads || s.get(2) != headDim || !s.equals(v.getShape()) || keptPositions.length != kvHeads) {
      throw new IllegalArgumentException("replacement K/V must be [" + kvHeads + ", n, " + headDim + "], got " + s + " and " + v.getShape());
    }
    int n = (int) s.get(1);
    for (int[] p : keptPositions) {
      if (p.length != n) throw new IllegalArgumentException("each head needs " + n + " kept positions");
    }
    NDArray nk = adopt(k);
    NDArray nv = adopt(v);
    closeArrays();
    keys = nk;
    values = nv;
    positions = new int[kvHeads][];
    for (int h = 0; h < kvHeads; h++) positions[h] = keptPositions[h].clone();
    length = n;
  }

  private NDArray adopt(NDArray a) {
    NDArray x = a.getDataType() == type ? a : a.toType(type, false);
    NDScope.unregister(x);
    x.attach(manager);
    return x;
  }

  private void ensureCapacity(int needed) {
    int cap = keys == null ? 0 : (int) keys.getShape().get(1);
    if (needed <= cap) return;
    int newCap = Math.max(needed, Math.max(16, cap * 2));
    NDArray nk = manager.zeros(new Shape(kvHeads, newCap, headDim), type);
    NDArray nv = manager.zeros(new Shape(kvHeads, newCap, headDim), type);
    NDScope.unregister(nk, nv);
    if (length > 0) {
      NDIndex used = new NDIndex(":, 0:{}, :", length);
      try (NDManager tmp = manager.newSubManager()) {
        nk.set(used, keys.get(tmp, used));
        nv.set(used, values.get(tmp, used));
      }
    }
    closeArrays();
    keys = nk;
    values = nv;
    for (int h = 0; h < kvHeads; h++) positions[h] = Arrays.copyOf(positions[h], newCap);
  }

  /** Bytes of the valid entries (K and V). */
  public long bytes() { return 2L * kvHeads * length * headDim * type.getNumOfBytes(); }

  private void closeArrays() {
    if (keys != null) keys.close();
    if (values != null) values.close();
    keys = null;
    values = null;
  }

  void close() {
    closeArrays();
    length = 0;
  }
}
