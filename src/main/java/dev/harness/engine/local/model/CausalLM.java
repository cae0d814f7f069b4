package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.linear.ActiveAdapter;
import dev.harness.engine.local.linear.Projection;
import java.util.List;

/** A loaded decoder-only model: a forward pass over new tokens that reads and extends a KV cache. Not thread-safe. */
public interface CausalLM extends AutoCloseable {

  ModelConfig config();

  /**
   * Weight bytes (in the compute dtype) the model leaves in the checkpoint file and reads row by row instead of
   * holding (on the CPU: an untied input embedding); 0 when every weight is resident.
   */
  default long fileBackedBytes() { return 0; }

  /** The manager that owns the weights (adapters that add weights put them here; never close it directly). */
  NDManager weights();

  /**
   * The linear projections in load order (per layer q|k|v, o, gate|up, down; GPT-2 c_attn, c_proj, c_fc, c_proj):
   * every linear layer except embeddings and lm_head. Adapters and NF4 act on these.
   */
  List<Projection> projections();

  /** The adapter the LoRA projections apply on the next forward pass (set by the engine under its lock). */
  ActiveAdapter activeAdapter();

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

  /** A fresh empty cache for a batch of sequences; the caller closes it. */
  default BatchKvCache newBatchCache(NDManager parent, int batch, int capacityHint) {
    ModelConfig c = config();
    return new BatchKvCache(parent, c.numLayers(), batch, c.numKvHeads(), c.headDim(), dataType(), capacityHint);
  }

  /**
   * The batched forward pass: {@code ids} [B][T] is one padded chunk of columns per sequence, {@code real} [B][T] marks
   * its real tokens (the rest is padding, never attended by a real token). Each sequence's real tokens take positions
   * from {@code cache.nextPosition(b)} on, whatever the padding. Appends the chunk to the cache and returns float32
   * logits [B, T − logitsFrom, vocab] for the columns from {@code logitsFrom} on, attached to {@code step} (rows of
   * padding columns are meaningless). The matmuls run over all B·T rows at once.
   */
  NDArray forwardBatch(NDManager step, int[][] ids, boolean[][] real, BatchKvCache cache, int logitsFrom);

  @Override
  void close();
}
