package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A linear op without bias: x [rows, in] → x·Wᵀ [rows, out] in x's dtype, temporaries attached to {@code step}. */
public interface Linear extends AutoCloseable {
  NDArray apply(NDManager step, NDArray x);

  /** Bytes of the weights this op holds (the base weight's storage; LoRA matrices are counted apart). */
  long bytes();

  @Override
  void close();
}
