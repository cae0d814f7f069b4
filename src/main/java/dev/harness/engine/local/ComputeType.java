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
 *
 * <p>{@code auto}, the default, is not a type but a rule ({@link #resolve}): float16 on a CUDA device, float32 on the
 * CPU (where float16 matmuls are slower than float32 and gain nothing but memory). It is resolved before anything
 * records the dtype, so stores, unit keys and reports only ever see float32 or float16. The checkpoint's dtype is not
 * an input: F32, F16 and BF16 checkpoints all load into either type (BF16 through float32, range-checked), so the
 * rule would give the same answer for each.
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

  /** The setting that stands for {@link #resolve}'s rule. */
  public static final String AUTO = "auto";

  public String key() { return key; }

  public DataType djl() { return djl; }

  /** The type {@code auto} stands for on a device: float16 on CUDA, float32 on the CPU. */
  public static ComputeType auto(boolean cuda) { return cuda ? FLOAT16 : FLOAT32; }

  /**
   * The concrete type a setting names on a device: {@code auto} by {@link #auto}, float32 and float16 as they are.
   * IllegalArgumentException with the one-line reason for anything else.
   */
  public static ComputeType resolve(String setting, boolean cuda) {
    return AUTO.equals(setting) ? auto(cuda) : parse(setting);
  }

  /** Checks a setting (auto, float32 or float16) without resolving it; IllegalArgumentException as {@link #parse}. */
  public static void checkSetting(String setting) {
    if (!AUTO.equals(setting)) parse(setting);
  }

  /** The type named {@code s}; IllegalArgumentException with the one-line reason otherwise. */
  public static ComputeType parse(String s) {
    for (ComputeType t : values()) if (t.key.equals(s)) return t;
    if ("bfloat16".equals(s) || "bf16".equals(s)) {
      throw new IllegalArgumentException("bfloat16 is not supported: DJL's PyTorch engine aborts the process on bfloat16 "
          + "tensors; use float16 (BF16 checkpoints load into it, range-checked) or float32");
    }
    throw new IllegalArgumentException("expected auto, float32 or float16, got '" + s + "'");
  }
}
