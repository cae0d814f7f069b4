package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.local.weights.Float16Range;
import java.util.Locale;

/**
 * The run-time overflow guard of a float16 forward pass: after each decoder layer (and lm_head) it keeps max |x| as a
 * 0-d array on the device, and before the logits are handed back it reads them all in one transfer (one host read of
 * layers + 1 numbers per forward pass; none in float32, where the guard is off). A value beyond float16's range or
 * NaN stops the request with one line naming the first such module and suggesting dtype float32. Qwen-family
 * activations in float16 are the known risk.
 */
final class ActivationGuard {
  private final NDArray[] peaks;
  private final String[] modules;
  private int n;

  private ActivationGuard(int slots) {
    peaks = new NDArray[slots];
    modules = new String[slots];
  }

  /** A guard for a forward pass in {@code type} over {@code layers} layers, or null when it needs none (float32). */
  static ActivationGuard of(DataType type, int layers) {
    return type == DataType.FLOAT16 ? new ActivationGuard(layers + 1) : null;
  }

  /** Records max |x| after {@code module} (x stays untouched; the 0-d result lives in x's manager). */
  void after(String module, NDArray x) {
    try (NDScope scope = new NDScope()) {
      NDArray p = x.abs().max();
      NDScope.unregister(p);
      peaks[n] = p;
      modules[n++] = module;
    }
  }

  /** One read of every recorded peak; throws on the first beyond float16's range. Closes what it recorded. */
  void check() {
    if (n == 0) return;
    float[] v;
    NDList list = new NDList(java.util.Arrays.copyOf(peaks, n));
    try (NDArray all = NDArrays.stack(list).toType(DataType.FLOAT32, false)) {
      v = dev.harness.engine.local.HostReads.floats(all);
    } finally {
      list.close();
    }
    for (int i = 0; i < n; i++) {
      if (!(v[i] <= Float16Range.MAX)) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, String.format(Locale.ROOT,
            "float16 activations overflowed after %s (max |x| = %s; float16 ends at 65504): run with dtype float32",
            modules[i], Float.isNaN(v[i]) ? "NaN" : String.valueOf(v[i])));
      }
    }
  }
}
