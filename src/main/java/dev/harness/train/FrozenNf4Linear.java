package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.quant.Nf4Weight;

/** A frozen projection stored in NF4 (QLoRA): dequantized to float32 Wᵀ for each use, never trained. */
final class FrozenNf4Linear implements FrozenLinear {
  private final Nf4Weight weight;
  private final NDArray bias;

  FrozenNf4Linear(Nf4Weight weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * {@link Nf4Weight#dequantize} frees its unpacking temporaries itself, so only Wᵀ lands in the step's manager
   * (autograd keeps it for the backward pass).
   */
  @Override
  public NDArray apply(NDManager step, NDArray x) {
    NDArray y = x.matMul(weight.dequantize(step));
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
