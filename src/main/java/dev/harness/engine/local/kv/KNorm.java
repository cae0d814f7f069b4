package dev.harness.engine.local.kv;

import ai.djl.ndarray.NDArray;

/** Key norm: score = −‖k‖₂, so the keys with the lowest L2 norm are kept. */
public record KNorm() implements KvPolicy {

  @Override
  public String name() { return "knorm"; }

  @Override
  public float[][] score(LayerState s) {
    if (s.keys() == null) throw new IllegalStateException("knorm needs the cached keys");
    try (NDArray k32 = s.keys().toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
        NDArray norms = k32.square().sum(new int[] {2}).sqrt().neg()) {
      return LayerState.rows(norms, s.kvHeads(), s.length());
    }
  }
}
