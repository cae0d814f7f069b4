package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.harness.engine.local.weights.TensorRows;

/**
 * A table the model gathers rows from by token id: either resident (an array on the engine's device; always when
 * lm_head multiplies the same table, i.e. tied embeddings, and on a GPU) or left in the checkpoint file and read row by
 * row ({@link TensorRows}; untied input embeddings on the CPU, which saves {@code vocab × hidden} resident weights).
 */
final class Embedding implements AutoCloseable {
  private final NDArray table;
  private final TensorRows file;

  private Embedding(NDArray table, TensorRows file) {
    this.table = table;
    this.file = file;
  }

  static Embedding resident(NDArray table) { return new Embedding(table, null); }

  static Embedding inFile(TensorRows rows) { return new Embedding(null, rows); }

  /** The resident table (for lm_head when tied); null when the table stays in its file. */
  NDArray table() { return table; }

  /** Rows {@code ids} as [ids.length, width] in {@code step}. */
  NDArray gather(NDManager step, long[] ids) {
    return table != null ? table.get(step, new NDIndex("{}", step.create(ids))) : file.rows(step, ids);
  }

  /** Weight bytes left in the file instead of held (0 when resident). */
  long fileBackedBytes() { return file == null ? 0 : file.computeBytes(); }

  @Override
  public void close() {
    if (file != null) file.close(); // a resident table belongs to the weights manager
  }
}
