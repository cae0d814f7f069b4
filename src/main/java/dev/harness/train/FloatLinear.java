package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** A frozen projection kept as float32 or float16 [out, in] (float16 is widened to float32 at each use). */
final class FloatLinear implements FrozenLinear {
  private final NDArray weight;
  private final NDArray bias;

  FloatLinear(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  @Override
  public NDArray apply(NDManager step, NDArray x) {
    NDArray w = weight;
    if (weight.getDataType() != DataType.FLOAT32) {
      w = weight.toType(DataType.FLOAT32, true);
      w.attach(step);
    }
    NDArray y = x.matMul(w.transpose());
    return bias == null ? y : y.add(bias);
  }

  @Override
  public int in() { return (int) weight.getShape().get(1); }

  @Override
  public int out() { return (int) weight.getShape().get(0); }

  @Override
  public long weightBytes() { return weight.getShape().size() * weight.getDataType().getNumOfBytes(); }

  NDArray weight() { return weight; }

  @Override
  public void close() {
    weight.close();
    if (bias != null) bias.close();
  }
}
