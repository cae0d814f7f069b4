package dev.harness.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AdamW's first and second moments per LoRA array, keyed by the PEFT tensor name. */
public final class OptimizerState {
  final Map<String, float[]> m = new LinkedHashMap<>();
  final Map<String, float[]> v = new LinkedHashMap<>();

  static OptimizerState zeros(List<LoraModule> modules) {
    OptimizerState s = new OptimizerState();
    for (LoraModule mod : modules) {
      s.m.put(mod.key('A'), new float[mod.a.length]);
      s.v.put(mod.key('A'), new float[mod.a.length]);
      s.m.put(mod.key('B'), new float[mod.b.length]);
      s.v.put(mod.key('B'), new float[mod.b.length]);
    }
    return s;
  }
}
