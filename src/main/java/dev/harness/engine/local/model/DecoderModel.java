package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.linear.ActiveAdapter;
import dev.harness.engine.local.linear.Projection;
import java.util.List;

/**
 * The forward pass every decoder-only model here shares: embed the new tokens, run the layers (each in its own
 * NDScope, checked by the {@link ActivationGuard}), advance the cache, then final norm and lm_head over the rows
 * asked for, as float32. A subclass gives the embedding, the layer body and the final norm; the layer body is
 * written once for both the single-sequence and the batched pass, the cache-dependent attention step handed to it as
 * a {@link CachedAttention}.
 */
abstract class DecoderModel implements CausalLM {
  protected final ModelConfig cfg;
  protected final DataType type;
  private final NDManager weights;
  private final NDArray lmHeadT;
  private final int layerCount;
  private final List<Projection> projections;
  private final ActiveAdapter active = new ActiveAdapter();

  private final List<Embedding> tables;

  DecoderModel(ModelConfig cfg, DataType type, NDManager weights, NDArray lmHeadT, int layerCount,
      List<Projection> projections, List<Embedding> tables) {
    this.tables = List.copyOf(tables);
    this.cfg = cfg;
    this.type = type;
    this.weights = weights;
    this.lmHeadT = lmHeadT;
    this.layerCount = layerCount;
    this.projections = List.copyOf(projections);
  }

  /** Hidden rows [n, hidden] of token ids {@code ids} at {@code positions} (n rows, sequence-major). */
  abstract NDArray embed(NDManager step, long[] ids, int[] positions);

  /** Per-pass position encoding the layers share (RoPE's cos and sin), or null. */
  NDArray[] rotary(NDManager step, int[] positions) { return null; }

  /** Updates {@code x} [n, hidden] in place with decoder layer {@code index}; runs inside a per-layer NDScope. */
  abstract void layer(NDManager step, int index, NDArray x, NDArray[] rotary, CachedAttention attention);

  /** The final norm of hidden rows. */
  abstract NDArray finalNorm(NDArray x);

  /** The layer's module name in activation-guard messages. */
  abstract String layerName(int index);

  @Override
  public final ModelConfig config() { return cfg; }

  @Override
  public final DataType dataType() { return type; }

  @Override
  public final NDManager weights() { return weights; }

  @Override
  public final List<Projection> projections() { return projections; }

  @Override
  public final ActiveAdapter activeAdapter() { return active; }

  @Override
  public final NDArray forward(NDManager step, int[] ids, KvCache cache, int logitsFrom) {
    int t = ids.length;
    int start = cache.nextPosition();
    int past = cache.layer(0).length();
    int[] positions = new int[t];
    long[] idx = new long[t];
    for (int i = 0; i < t; i++) {
      positions[i] = start + i;
      idx[i] = ids[i];
    }
    NDArray x = embed(step, idx, positions);
    NDArray[] rot = rotary(step, positions);
    NDArray mask = Ops.causalMask(step, past, t);
    int group = cfg.numHeads() / cfg.numKvHeads();
    if (mask != null && group > 1) mask = mask.tile(new long[] {group, 1});
    ActivationGuard guard = layers(step, x, rot, CachedAttention.sequence(cache, positions, mask, cfg.numHeads(), cfg.numKvHeads()));
    cache.advance(t);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new Shape(0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = finalNorm(x);
      if (logitsFrom > 0) h = h.get(new NDIndex("{}:", logitsFrom));
      return head(h.matMul(lmHeadT), guard);
    }
  }

  @Override
  public final NDArray forwardBatch(NDManager step, int[][] ids, boolean[][] real, BatchKvCache cache, int logitsFrom) {
    int b = ids.length;
    int t = ids[0].length;
    int[] positions = cache.positions(real);
    long[] idx = new long[b * t];
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) idx[s * t + i] = ids[s][i];
    }
    NDArray x = embed(step, idx, positions);
    NDArray[] rot = rotary(step, positions);
    NDArray mask = cache.attentionMask(step, real);
    ActivationGuard guard = layers(step, x, rot,
        CachedAttention.batch(cache, mask, b, t, cfg.numHeads(), cfg.numKvHeads(), cfg.headDim()));
    cache.advance(real);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new Shape(b, 0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = finalNorm(x);
      int hidden = cfg.hiddenSize();
      if (logitsFrom > 0) h = h.reshape(b, t, hidden).get(new NDIndex(":, {}:, :", logitsFrom)).reshape(b * (t - logitsFrom), hidden);
      return head(h.matMul(lmHeadT).reshape(b, t - logitsFrom, cfg.vocabSize()), guard);
    }
  }

  /** Runs every layer over {@code x} in place; returns the guard that watched them (null: none for this dtype). */
  private ActivationGuard layers(NDManager step, NDArray x, NDArray[] rot, CachedAttention attention) {
    ActivationGuard guard = ActivationGuard.of(type, layerCount);
    for (int i = 0; i < layerCount; i++) {
      try (NDScope scope = new NDScope()) {
        layer(step, i, x, rot, attention);
      }
      if (guard != null) guard.after(layerName(i), x);
    }
    return guard;
  }

  /** The lm_head's logits, checked by the guard, as float32 and kept past the caller's scope. */
  private static NDArray head(NDArray logits, ActivationGuard guard) {
    if (guard != null) {
      guard.after("lm_head", logits);
      guard.check();
    }
    if (logits.getDataType() != DataType.FLOAT32) logits = logits.toType(DataType.FLOAT32, false);
    NDScope.unregister(logits);
    return logits;
  }

  @Override
  public void close() {
    weights.close(); // owns every projection's arrays, adapters' included
    tables.forEach(Embedding::close);
  }

  @Override
  public final long fileBackedBytes() {
    long n = 0;
    for (Embedding e : tables) n += e.fileBackedBytes();
    return n;
  }
}
