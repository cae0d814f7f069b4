package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * The KV cache of one sequence: one {@link LayerCache} per layer, in its own NDManager, plus the position the next
 * token will take ({@link #nextPosition()}: the number of tokens seen, which stays the original position even after
 * compression shrinks the layers). Close it when the sequence is done.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final List<LayerCache> layers;
  private int nextPosition;
  private long peakBytes;
  private PrefillCapture capture;

  public KvCache(NDManager parent, int numLayers, int kvHeads, int headDim, DataType type) {
    this.manager = parent.newSubManager();
    this.layers = new ArrayList<>(numLayers);
    for (int i = 0; i < numLayers; i++) layers.add(new LayerCache(manager, kvHeads, headDim, type));
  }

  public LayerCache layer(int i) { return layers.get(i); }

  public int numLayers() { return layers.size(); }

  public int nextPosition() { return nextPosition; }

  /** Called by the model after a forward pass of {@code tokens} tokens. */
  public void advance(int tokens) {
    nextPosition += tokens;
    peakBytes = Math.max(peakBytes, bytes());
  }

  /**
   * Rewinds an uncompressed cache to its first {@code tokens} positions, so that a shared prefix serves several
   * continuations ({@link dev.harness.engine.local.LocalEngine#scoreShared}).
   *
   * @throws IllegalStateException when a layer was compressed (its entries are not the first positions)
   */
  public void rewind(int tokens) {
    if (tokens < 0 || tokens > nextPosition) throw new IllegalArgumentException("cannot rewind " + nextPosition + " positions to " + tokens);
    for (LayerCache l : layers) {
      if (l.length() != nextPosition) throw new IllegalStateException("cannot rewind a compressed KV cache");
    }
    for (LayerCache l : layers) l.truncate(tokens);
    nextPosition = tokens;
  }

  /**
   * After a compression that kept only positions before {@code position} (the context of a prefill that also held
   * the question): the next token takes {@code position} again, so the question can be run through the compressed
   * cache at its original positions.
   */
  public void resumeAt(int position) {
    if (position < 0 || position > nextPosition) throw new IllegalArgumentException("cannot resume " + nextPosition + " positions at " + position);
    for (LayerCache l : layers) {
      for (int h = 0; h < l.kvHeads(); h++) {
        int[] p = l.positions(h);
        if (p.length > 0 && p[p.length - 1] >= position) {
          throw new IllegalStateException("the cache still holds position " + p[p.length - 1] + " at or after " + position);
        }
      }
    }
    nextPosition = position;
  }

  /** Bytes currently held (valid K and V entries over all layers). */
  public long bytes() {
    long b = 0;
    for (LayerCache l : layers) b += l.bytes();
    return b;
  }

  /** Bytes an uncompressed cache of {@link #nextPosition()} tokens holds. */
  public long fullBytes() {
    if (layers.isEmpty()) return 0;
    LayerCache l = layers.get(0);
    return (long) layers.size() * 2L * l.kvHeads() * nextPosition * l.headDim() * l.dataType().getNumOfBytes();
  }

  public long peakBytes() { return peakBytes; }

  /** What the forward pass records for a compression policy during a prefill; null (the default) records nothing. */
  public PrefillCapture capture() { return capture; }

  /** Sets (or, with null, clears) the prefill capture; the caller keeps ownership and closes it. */
  public void capture(PrefillCapture c) { this.capture = c; }

  public NDManager manager() { return manager; }

  @Override
  public void close() {
    layers.forEach(LayerCache::close);
    manager.close();
  }
}
