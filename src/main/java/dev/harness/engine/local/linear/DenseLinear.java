package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A float weight held pre-transposed, Wᵀ [in, out]: apply is exactly one x.matMul(wT) (the fast path). */
public final class DenseLinear implements Linear {
  private final NDArray wT;

  public DenseLinear(NDArray wT) { this.wT = wT; }

  public NDArray weightT() { return wT; }

  @Override
  public NDArray apply(NDManager step, NDArray x) { return x.matMul(wT); }

  @Override
  public long bytes() { return wT.size() * wT.getDataType().getNumOfBytes(); }

  @Override
  public void close() { wT.close(); }
}
