package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;

/**
 * One adapter's low-rank update of a (possibly fused) projection: Aᵀ [in, R] with the A matrices of the fused
 * modules side by side, and S·Bᵀ [R, out] with each module's Bᵀ, times its scaling, in its own rows and output
 * columns (zeros elsewhere), so (x·Aᵀ)·(S·Bᵀ) is every module's x·Aᵀ·Bᵀ·scaling in its slice of the output.
 */
public record LoraDelta(NDArray aT, NDArray bT, long bytes) implements AutoCloseable {
  @Override
  public void close() {
    aT.close();
    bT.close();
  }
}
