package dev.harness.engine.local;

import dev.harness.engine.local.linear.Projection;
import dev.harness.engine.local.model.CausalLM;

/**
 * Bytes of a model's linear layers (every projection; not embeddings, lm_head or norms) as loaded ({@code linear}:
 * NF4 codes + absmax when quantized), in the model dtype ({@code unquantized}) and in float16 ({@code float16}),
 * over {@code elements} weights. Adapter matrices are not included.
 */
public record WeightBytes(long elements, long linear, long unquantized, long float16) {

  static WeightBytes of(CausalLM model) {
    long elements = 0;
    long linear = 0;
    for (Projection p : model.projections()) {
      elements += p.elements();
      linear += p.op().bytes();
    }
    return new WeightBytes(elements, linear, elements * model.dataType().getNumOfBytes(), elements * 2);
  }

  /** Bytes as loaded over bytes in float16 (NF4: ≈ 0.28; float16: 1; float32: 2). */
  public double ratioToFloat16() { return float16 == 0 ? Double.NaN : linear / (double) float16; }

  /** Bytes per weight as loaded. */
  public double bytesPerWeight() { return elements == 0 ? Double.NaN : linear / (double) elements; }
}
