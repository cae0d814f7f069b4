package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.quant.Nf4Weight;

/**
 * An NF4 weight: dequantized natively at each call (compute dtype = the model dtype, the input's dtype), multiplied,
 * and the float copy dropped at once, so only one layer's float weight exists at a time.
 */
public final class Nf4Linear implements Linear {
  private final Nf4Weight w;

  public Nf4Linear(Nf4Weight w) { this.w = w; }

  public Nf4Weight weight() { return w; }

  @Override
  public NDArray apply(NDManager step, NDArray x) {
    NDArray wT = w.dequantize(step);
    NDArray y = x.matMul(wT);
    wT.close();
    return y;
  }

  @Override
  public long bytes() { return w.bytes(); }

  @Override
  public void close() { w.close(); }
}
