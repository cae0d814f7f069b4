package dev.harness.engine.local.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unmerged LoRA on top of a base op: y = base(x) + (x·Aᵀ)·(S·Bᵀ) for the adapter {@link ActiveAdapter} names (the
 * base alone when it names none or one this projection does not have).
 */
public final class LoraLinear implements Linear {
  private final Linear base;
  private final ActiveAdapter active;
  private final Map<String, LoraDelta> deltas = new LinkedHashMap<>();

  public LoraLinear(Linear base, ActiveAdapter active) {
    this.base = base;
    this.active = active;
  }

  public void put(String adapter, LoraDelta d) {
    LoraDelta old = deltas.put(adapter, d);
    if (old != null) old.close();
  }

  @Override
  public NDArray apply(NDManager step, NDArray x) {
    NDArray y = base.apply(step, x);
    String name = active.get();
    LoraDelta d = name == null ? null : deltas.get(name);
    if (d == null) return y;
    NDArray t = x.matMul(d.aT());
    NDArray u = t.matMul(d.bT());
    t.close();
    y.addi(u);
    u.close();
    return y;
  }

  @Override
  public long bytes() { return base.bytes(); }

  @Override
  public void close() {
    base.close();
    deltas.values().forEach(LoraDelta::close);
  }
}
