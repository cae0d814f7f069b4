package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.quant.Nf4Weight;
import dev.harness.engine.local.weights.Checkpoint;

/**
 * How the frozen base projections are stored: float32, float16, NF4 (block 64, float32 absmax) or NF4_DQ (absmax
 * double-quantized to int8 per 256 blocks: QLoRA's recipe) — the engine's {@code quantization: nf4 / nf4_dq}.
 * Embeddings, norms and lm_head stay float32.
 */
public enum BaseFormat {
  FLOAT32, FLOAT16, NF4, NF4_DQ;

  public static BaseFormat of(String quantization, String dtype) {
    if ("nf4".equals(quantization)) return NF4;
    if ("nf4_dq".equals(quantization)) return NF4_DQ;
    return "float16".equals(dtype) ? FLOAT16 : FLOAT32;
  }

  /** Reads {@code <module>.weight} [out, in] (and {@code .bias} when asked) into a frozen projection. */
  FrozenLinear load(Checkpoint ckpt, NDManager weights, String module, int out, int in, boolean bias) {
    NDArray b = bias ? ckpt.load(weights, module + ".bias", DataType.FLOAT32, out) : null;
    return switch (this) {
      case FLOAT32 -> new FloatLinear(ckpt.load(weights, module + ".weight", DataType.FLOAT32, out, in), b);
      case FLOAT16 -> new FloatLinear(ckpt.load(weights, module + ".weight", DataType.FLOAT16, out, in), b);
      case NF4, NF4_DQ -> {
        float[][] w = new float[1][];
        ckpt.read(weights, module + ".weight", DataType.FLOAT32, new long[] {out, in}, a -> w[0] = a.toFloatArray());
        yield new FrozenNf4Linear(Nf4Weight.quantize(weights, w[0], out, in, this == NF4_DQ, DataType.FLOAT32), b);
      }
    };
  }
}
