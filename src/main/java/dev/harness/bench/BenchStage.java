package dev.harness.bench;

import dev.harness.engine.local.LocalEngine;

/**
 * An extra measurement run while the model is loaded, after the prefill/decode baseline: the slot for later flags
 * (--kv budgets for compressed decode, --train steps, --kl). It returns its table and may add ratio checks.
 */
public interface BenchStage {
  String name();

  Result run(Context ctx);

  /** What a stage sees: the loaded engine, the model's costs, the prompt and the baseline speeds. */
  record Context(LocalEngine engine, ModelCost cost, int[] promptIds, BenchConfig config, EngineRun baseline) {}

  record Result(Section section, java.util.List<Check> checks) {}
}
