package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A frozen base projection y = x·Wᵀ (+ b): float weights, or NF4 blocks dequantized for each use (QLoRA). It never
 * takes part in the gradient: its arrays are created without {@code requiresGradient}.
 */
interface FrozenLinear extends AutoCloseable {
  /** x [..., in] → [..., out] in float32; temporaries attach to {@code step}. */
  NDArray apply(NDManager step, NDArray x);

  int in();

  int out();

  /** Bytes the stored weight takes (float32, float16 or NF4 codes + scales). */
  long weightBytes();

  @Override
  void close();
}
