package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA matrices of one optimizer step as NDArray leaves: created from the master copies, with
 * {@code requiresGradient} when training, closed with their manager after the step. Gradients accumulate in them over
 * the step's micro-batches; {@link #gradients} copies them out (closing each {@code getGradient()} handle).
 */
final class LoraLeaves {
  record Pair(NDArray a, NDArray b) {}

  private final Map<String, Pair> pairs = new LinkedHashMap<>();

  LoraLeaves(NDManager m, List<LoraModule> modules, boolean requiresGradient) {
    for (LoraModule mod : modules) {
      NDArray a = m.create(mod.a, new Shape(mod.r(), mod.in()));
      NDArray b = m.create(mod.b, new Shape(mod.out(), mod.r()));
      if (requiresGradient) {
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
      }
      pairs.put(mod.path(), new Pair(a, b));
    }
  }

  Pair get(String path) { return pairs.get(path); }

  /** Per module, the accumulated gradients of A and B as float arrays (zeros when a module got none). */
  Map<String, float[][]> gradients(List<LoraModule> modules) {
    Map<String, float[][]> out = new LinkedHashMap<>();
    for (LoraModule mod : modules) {
      Pair p = pairs.get(mod.path());
      out.put(mod.path(), new float[][] {grad(p.a(), mod.a.length), grad(p.b(), mod.b.length)});
    }
    return out;
  }

  private static float[] grad(NDArray leaf, int n) {
    if (!leaf.hasGradient()) return new float[n];
    try (NDArray g = leaf.getGradient()) {
      return g.toFloatArray();
    }
  }
}
