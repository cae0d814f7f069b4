package dev.harness.engine.local.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.local.linear.DenseLinear;
import dev.harness.engine.local.linear.LoraDelta;
import dev.harness.engine.local.linear.LoraLinear;
import dev.harness.engine.local.linear.Projection;
import dev.harness.engine.local.model.CausalLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a PEFT adapter on a loaded model. Every adapter module must be one of the model's projections with the same
 * shape, and every projection module the config targets must have its matrices (else the adapter was made for
 * another base). Unmerged: each projection with LoRA modules becomes a {@link LoraLinear} holding one
 * {@link LoraDelta} per adapter name; merged: W' = W + scaling·B·A is folded into the dense weight (Wᵀ += Aᵀ·(S·Bᵀ)),
 * which is the same for GPT-2's Conv1D (stored Wᵀ, PEFT's fan_in_fan_out).
 */
public final class LoraApplier {
  private LoraApplier() {}

  /** One module of a projection that the adapter updates. */
  private record Slot(int module, LoraPair pair, double scaling) {}

  /** Checks the adapter against the model and returns its modules grouped by projection (load order). */
  static Map<Projection, List<Slot>> plan(CausalLM model, PeftAdapter a) {
    Path file = a.weightsFile();
    Map<String, Projection> byModule = new LinkedHashMap<>();
    for (Projection p : model.projections()) {
      for (String m : p.modules()) byModule.put(m, p);
    }
    for (String m : a.pairs().keySet()) {
      if (!byModule.containsKey(m)) {
        String example = byModule.keySet().stream().findFirst().orElse("?");
        throw new LoraException(file + ": module " + m + ": not a linear layer of the base model (its linear layers are named like "
            + example + "; embeddings and lm_head are not supported)");
      }
    }
    Map<Projection, List<Slot>> plan = new LinkedHashMap<>();
    for (Projection p : model.projections()) {
      for (int j = 0; j < p.modules().size(); j++) {
        String m = p.modules().get(j);
        LoraPair pair = a.pairs().get(m);
        if (pair == null) {
          if (a.config().targets(m)) {
            throw new LoraException(file + ": module " + m + ": targeted by " + LoraConfig.FILE
                + " but has no lora_A/lora_B weights (adapter made for another base model?)");
          }
          continue;
        }
        if (pair.in() != p.in() || pair.out() != p.out(j)) {
          throw new LoraException(file + ": module " + m + ": lora_A [" + pair.r() + ", " + pair.in() + "] and lora_B ["
              + pair.out() + ", " + pair.r() + "] do not fit the base weight [" + p.out(j) + ", " + p.in() + "] (adapter made for another base model?)");
        }
        plan.computeIfAbsent(p, k -> new ArrayList<>()).add(new Slot(j, pair, a.config().scaling(m)));
      }
    }
    return plan;
  }

  /**
   * Adds the adapter under {@code name} to the model's projections (unmerged; selected per forward pass through
   * {@link CausalLM#activeAdapter}). Returns the bytes of its matrices as held.
   */
  public static long attach(CausalLM model, String name, PeftAdapter a) {
    Map<Projection, List<Slot>> plan = plan(model, a);
    long bytes = 0;
    for (Map.Entry<Projection, List<Slot>> e : plan.entrySet()) {
      Projection p = e.getKey();
      LoraDelta d = delta(model.weights(), model.dataType(), p, e.getValue());
      bytes += d.bytes();
      LoraLinear lora = p.op() instanceof LoraLinear l ? l : new LoraLinear(p.op(), model.activeAdapter());
      lora.put(name, d);
      p.op(lora);
    }
    return bytes;
  }

  /** Folds the adapter into the dense weights for good: W' = W + scaling·B·A. */
  public static void merge(CausalLM model, PeftAdapter a) {
    Map<Projection, List<Slot>> plan = plan(model, a);
    for (Map.Entry<Projection, List<Slot>> e : plan.entrySet()) {
      Projection p = e.getKey();
      if (!(p.op() instanceof DenseLinear dense)) {
        throw new LoraException(a.weightsFile() + ": module " + p.modules().get(e.getValue().get(0).module())
            + ": cannot merge into a " + (p.op() instanceof LoraLinear ? "projection that carries unmerged adapters" : "quantized (NF4) weight")
            + "; apply the adapter unmerged");
      }
      try (LoraDelta d = delta(model.weights(), DataType.FLOAT32, p, e.getValue())) {
        NDArray full = d.aT().matMul(d.bT());
        NDArray add = full.getDataType() == dense.weightT().getDataType() ? full : full.toType(dense.weightT().getDataType(), false);
        dense.weightT().addi(add);
        add.close();
        full.close();
      }
    }
  }

  /** Aᵀ [in, R] and S·Bᵀ [R, out] for the updated modules of one projection, in {@code manager} as {@code type}. */
  private static LoraDelta delta(NDManager manager, DataType type, Projection p, List<Slot> slots) {
    int in = Math.toIntExact(p.in());
    int out = Math.toIntExact(p.outTotal());
    int rTotal = 0;
    for (Slot s : slots) rTotal += s.pair().r();
    float[] aT = new float[in * rTotal];
    float[] bT = new float[rTotal * out];
    int c0 = 0;
    for (Slot s : slots) {
      LoraPair q = s.pair();
      int off = Math.toIntExact(p.offset(s.module()));
      for (int k = 0; k < q.r(); k++) {
        for (int i = 0; i < in; i++) aT[i * rTotal + c0 + k] = q.a()[k * in + i];
        for (int o = 0; o < q.out(); o++) bT[(c0 + k) * out + off + o] = (float) (q.b()[o * q.r() + k] * s.scaling());
      }
      c0 += q.r();
    }
    NDArray a = manager.create(aT, new Shape(in, rTotal));
    NDArray b = manager.create(bT, new Shape(rTotal, out));
    if (type != DataType.FLOAT32) {
      NDArray a2 = a.toType(type, false);
      NDArray b2 = b.toType(type, false);
      a.close();
      b.close();
      a = a2;
      b = b2;
    }
    return new LoraDelta(a, b, (a.size() + b.size()) * type.getNumOfBytes());
  }
}
