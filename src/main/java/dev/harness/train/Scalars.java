package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Scalar operands for the training graph. DJL's {@code x.mul(Number)} (likewise div, pow, add, sub) wraps the number
 * in a temporary array over a direct buffer and closes it as soon as the op returns; libtorch's autograd keeps that
 * tensor for the backward pass (mul, div and pow need it), so by then its memory may have been freed by the garbage
 * collector — the LoRA gradients came back NaN whenever a GC ran between forward and backward. Every scalar in a
 * differentiable op is therefore a 0-d array owned by the step's manager, alive until the step is closed.
 */
final class Scalars {
  private Scalars() {}

  static NDArray of(NDManager m, double v) { return m.create((float) v); }
}
