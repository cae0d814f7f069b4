package dev.harness.engine.local.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.local.linear.DenseLinear;
import dev.harness.engine.local.linear.Nf4Linear;
import dev.harness.engine.local.linear.Projection;
import dev.harness.engine.local.quant.Nf4Weight;
import dev.harness.engine.local.quant.Quantization;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.TensorRows;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies checkpoint tensors into the layouts the forward passes want, in the model's dtype, owned by the weights
 * manager: linear weights transposed to [in, out] (so the pass computes x.matMul(wT)) and fused along the output
 * axis (q|k|v, gate|up); vectors concatenated (fused biases). Each checkpoint tensor is copied straight from its
 * mapping into its slot of the preallocated destination and unmapped before the next one is read, so loading holds
 * the model's copies plus at most one source tensor. With NF4 the projections are quantized instead (W [out, in]
 * row-major, as bitsandbytes does), from a float copy of one fused projection at a time.
 */
final class WeightLoader {
  private final Checkpoint ckpt;
  private final NDManager weights;
  private final DataType type;
  private final Quantization quant;
  private final List<Projection> projections = new ArrayList<>();
  private final List<Embedding> embeddings = new ArrayList<>();

  WeightLoader(Checkpoint ckpt, NDManager weights, DataType type, Quantization quant) {
    this.ckpt = ckpt;
    this.weights = weights;
    this.type = type;
    this.quant = quant;
  }

  boolean has(String name) { return ckpt.has(name); }

  /** Runs a model's build over this loader; if it fails, closes the file-backed tables it had opened. */
  <M> M load(java.util.function.Function<WeightLoader, M> build) {
    try {
      return build.apply(this);
    } catch (RuntimeException e) {
      embeddings.forEach(Embedding::close);
      throw e;
    }
  }

  /** Every table made by {@link #gathered}, in load order; the model closes them. */
  List<Embedding> embeddings() { return embeddings; }

  /** Every projection made so far, in load order. */
  List<Projection> projections() { return projections; }

  /** nn.Linear weights [out_i, in] → one projection over their fused output; {@code modules} are the PEFT paths. */
  Projection linear(long in, String[] names, String[] modules, long[] outs) {
    Projection p;
    if (quant.nf4()) {
      long total = 0;
      for (long o : outs) total += o;
      float[] w = new float[Math.toIntExact(total * in)];
      int at = 0;
      for (int i = 0; i < names.length; i++) {
        int from = at;
        ckpt.read(weights, names[i], DataType.FLOAT32, new long[] {outs[i], in}, a -> {
          float[] v = dev.harness.engine.local.HostReads.floats(a);
          System.arraycopy(v, 0, w, from, v.length);
        });
        at += Math.toIntExact(outs[i] * in);
      }
      p = new Projection(List.of(modules), outs, in, nf4(w, (int) total, (int) in));
    } else {
      p = new Projection(List.of(modules), outs, in, new DenseLinear(linearT(in, names, outs)));
    }
    projections.add(p);
    return p;
  }

  /** A GPT-2 Conv1D weight, stored [in, out] (already Wᵀ). */
  Projection conv1d(String name, String module, long in, long out) {
    Projection p;
    if (quant.nf4()) {
      float[] w = new float[Math.toIntExact(in * out)];
      ckpt.read(weights, name, DataType.FLOAT32, new long[] {in, out}, a -> {
        float[] v = dev.harness.engine.local.HostReads.floats(a);
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) w[(int) (o * in + i)] = v[(int) (i * out + o)];
        }
      });
      p = new Projection(List.of(module), new long[] {out}, in, nf4(w, (int) out, (int) in));
    } else {
      p = new Projection(List.of(module), new long[] {out}, in, new DenseLinear(plain(name, in, out)));
    }
    projections.add(p);
    return p;
  }

  private Nf4Linear nf4(float[] w, int out, int in) {
    return new Nf4Linear(Nf4Weight.quantize(weights, w, out, in, quant == Quantization.NF4_DQ, type));
  }

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

  /**
   * A [rows, width] table the model only gathers rows from (an untied input embedding): on the CPU left in the
   * checkpoint and read per forward pass ({@link TensorRows}), on a GPU copied to the device like {@link #plain}.
   */
  Embedding gathered(String name, long rows, long width) {
    Embedding e = Device.Type.CPU.equals(weights.getDevice().getDeviceType())
        ? Embedding.inFile(TensorRows.open(ckpt, name, type, rows, width))
        : Embedding.resident(plain(name, rows, width));
    embeddings.add(e);
    return e;
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
