package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.local.weights.Checkpoint;

/**
 * Copies checkpoint tensors into the layouts the forward passes want, in the model's dtype, owned by the weights
 * manager: linear weights transposed to [in, out] (so the pass computes x.matMul(wT)) and fused along the output
 * axis (q|k|v, gate|up); vectors concatenated (fused biases). Each checkpoint tensor is copied straight from its
 * mapping into its slot of the preallocated destination and unmapped before the next one is read, so loading holds
 * the model's copies plus at most one source tensor.
 */
final class WeightLoader {
  private final Checkpoint ckpt;
  private final NDManager weights;
  private final DataType type;

  WeightLoader(Checkpoint ckpt, NDManager weights, DataType type) {
    this.ckpt = ckpt;
    this.weights = weights;
    this.type = type;
  }

  boolean has(String name) { return ckpt.has(name); }

  /** nn.Linear weights [out_i, in] → one contiguous [in, Σ out_i]. */
  NDArray linearT(long in, String[] names, long[] outs) {
    long total = 0;
    for (long o : outs) total += o;
    NDArray dst = weights.zeros(new Shape(in, total), type);
    long at = 0;
    for (int i = 0; i < names.length; i++) {
      NDIndex slot = new NDIndex(":, {}:{}", at, at + outs[i]);
      ckpt.read(weights, names[i], type, new long[] {outs[i], in}, w -> dst.set(slot, w.transpose()));
      at += outs[i];
    }
    return dst;
  }

  NDArray linearT(long in, String name, long out) { return linearT(in, new String[] {name}, new long[] {out}); }

  /** A tensor copied as stored. */
  NDArray plain(String name, long... shape) {
    NDArray dst = weights.zeros(new Shape(shape), type);
    ckpt.read(weights, name, type, shape, w -> dst.set(new NDIndex(":"), w));
    return dst;
  }

  /** Vectors concatenated into one [Σ sizes]. */
  NDArray vectors(String[] names, long[] sizes) {
    long total = 0;
    for (long s : sizes) total += s;
    NDArray dst = weights.zeros(new Shape(total), type);
    long at = 0;
    for (int i = 0; i < names.length; i++) {
      NDIndex slot = new NDIndex("{}:{}", at, at + sizes[i]);
      ckpt.read(weights, names[i], type, new long[] {sizes[i]}, w -> dst.set(slot, w));
      at += sizes[i];
    }
    return dst;
  }
}
