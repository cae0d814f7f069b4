package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.quant.Nf4Weight;

/** A frozen projection stored in NF4 (QLoRA): dequantized to float32 Wᵀ for each use, never trained. */
final class Nf4Linear implements FrozenLinear {
  private final Nf4Weight weight;
  private final NDArray bias;

  Nf4Linear(Nf4Weight weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * Dequantizes in a sub-manager so that only Wᵀ outlives this call (autograd keeps it for the backward pass); the
   * unpacking temporaries (nibbles, int64 code indices, scaled blocks) are freed at once instead of piling up in the
   * step's manager until the micro-batch ends.
   */
  @Override
  public NDArray apply(NDManager step, NDArray x) {
    NDArray wT;
    try (NDManager tmp = step.newSubManager()) {
      wT = weight.dequantize(tmp);
      wT.attach(step);
    }
    NDArray y = x.matMul(wT);
    return bias == null ? y : y.add(bias);
  }

  @Override
  public int in() { return weight.in(); }

  @Override
  public int out() { return weight.out(); }

  @Override
  public long weightBytes() { return weight.bytes(); }

  @Override
  public void close() {
    weight.close();
    if (bias != null) bias.close();
  }
}
