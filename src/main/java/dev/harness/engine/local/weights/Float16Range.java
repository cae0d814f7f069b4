package dev.harness.engine.local.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The load-time overflow guard: a float32 or BF16 tensor narrowed to float16 must fit float16's finite range, else
 * it would silently become ±inf (BF16 has float32's exponent range, so BF16 checkpoints are the known risk). Refused
 * with one line naming the file and the tensor; there is no silent float32 fallback, since the dtype the user asked
 * for is what the run records.
 */
public final class Float16Range {
  private Float16Range() {}

  /** float16's largest finite value, (2 − 2^-10) · 2^15. */
  public static final float MAX = 65504f;

  /** Throws CheckpointException when {@code raw} (about to become float16) holds a value beyond ±{@link #MAX} or NaN. */
  static void check(Path file, String name, NDArray raw) {
    if (raw.getDataType() == DataType.FLOAT16) return; // already float16: nothing is narrowed
    check(file, name, raw.abs().max().toType(DataType.FLOAT32, false).getFloat());
  }

  /** As {@link #check(Path, String, NDArray)}, given the tensor's largest |value| (NaN when it holds one). */
  static void check(Path file, String name, float peak) {
    if (peak <= MAX) return;
    String what = Float.isNaN(peak) ? "holds NaN" : Float.isInfinite(peak) ? "holds ±inf"
        : "holds values up to |" + new BigDecimal(peak).round(new MathContext(6)).stripTrailingZeros().toPlainString()
            + "|, beyond float16's range (±65504)";
    throw CheckpointException.of(file, name, what + "; load it with dtype float32");
  }
}
