package dev.harness.engine.local;

import ai.djl.ndarray.types.DataType;

/**
 * The dtype the local engine computes in ({@code engine.dtype}, {@code --dtype}): float32 or float16. Logits,
 * log-softmax, norms' statistics, attention softmax and every sum stay float32 or wider whatever this says.
 *
 * <p>bfloat16 is refused: DJL's PyTorch engine aborts the whole process on a bfloat16 tensor (seen with DJL 0.35.1 and
 * libtorch 2.7.1 on CPU: {@code toType(BFLOAT16)} ends in "terminate called without an active exception"). BF16
 * checkpoints load into float16 (widened to float32 in Java first, then narrowed, with a range check per tensor) or
 * float32.
 */
public enum ComputeType {
  FLOAT32("float32", DataType.FLOAT32),
  FLOAT16("float16", DataType.FLOAT16);

  private final String key;
  private final DataType djl;

  ComputeType(String key, DataType djl) {
    this.key = key;
    this.djl = djl;
  }

  public String key() { return key; }

  public DataType djl() { return djl; }

  /** The type named {@code s}; IllegalArgumentException with the one-line reason otherwise. */
  public static ComputeType parse(String s) {
    for (ComputeType t : values()) if (t.key.equals(s)) return t;
    if ("bfloat16".equals(s) || "bf16".equals(s)) {
      throw new IllegalArgumentException("bfloat16 is not supported: DJL's PyTorch engine aborts the process on bfloat16 "
          + "tensors; use float16 (BF16 checkpoints load into it, range-checked) or float32");
    }
    throw new IllegalArgumentException("expected float32 or float16, got '" + s + "'");
  }
}
