package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * One linear projection of a model as the forward pass uses it, possibly several modules fused along the output
 * axis (q|k|v, gate|up): the PEFT module paths (e.g. {@code model.layers.0.self_attn.q_proj}), their output sizes in
 * order, the input size, and the op (dense, NF4, or LoRA over either). The op can be replaced after load (adapters).
 */
public final class Projection implements AutoCloseable {
  private final List<String> modules;
  private final long[] outs;
  private final long in;
  private Linear op;

  public Projection(List<String> modules, long[] outs, long in, Linear op) {
    if (modules.size() != outs.length) throw new IllegalArgumentException("modules and outs differ in length");
    this.modules = List.copyOf(modules);
    this.outs = outs.clone();
    this.in = in;
    this.op = op;
  }

  public NDArray apply(NDManager step, NDArray x) { return op.apply(step, x); }

  public List<String> modules() { return modules; }

  public long out(int i) { return outs[i]; }

  /** The first output column of module {@code i}. */
  public long offset(int i) {
    long o = 0;
    for (int j = 0; j < i; j++) o += outs[j];
    return o;
  }

  public long outTotal() { return offset(outs.length); }

  public long in() { return in; }

  public Linear op() { return op; }

  public void op(Linear op) { this.op = op; }

  /** Elements of the weight (in × Σ out). */
  public long elements() { return in * outTotal(); }

  @Override
  public void close() { op.close(); }
}
