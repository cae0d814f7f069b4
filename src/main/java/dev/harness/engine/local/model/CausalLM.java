package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.kv.KvCache;

/** A loaded decoder-only model: a forward pass over new tokens that reads and extends a KV cache. Not thread-safe. */
public interface CausalLM extends AutoCloseable {

  ModelConfig config();

  /** The manager that owns the weights (adapters that add weights put them here; never close it directly). */
  NDManager weights();

  /** The dtype weights and activations use (FLOAT32 or FLOAT16). */
  DataType dataType();

  /** A fresh empty cache for one sequence; the caller closes it. */
  default KvCache newCache(NDManager parent) {
    ModelConfig c = config();
    return new KvCache(parent, c.numLayers(), c.numKvHeads(), c.headDim(), dataType());
  }

  /**
   * Runs {@code ids} (positions continue from {@code cache.nextPosition()}) and appends their keys and values to the
   * cache. Returns float32 logits [ids.length − logitsFrom, vocab] for the positions from {@code logitsFrom} on,
   * attached to {@code step}.
   */
  NDArray forward(NDManager step, int[] ids, KvCache cache, int logitsFrom);

  @Override
  void close();
}
