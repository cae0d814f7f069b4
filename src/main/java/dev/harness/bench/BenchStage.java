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

  /**
   * A stage's table and checks. {@code machineChecks} are built after the machine probes (which run once the engine
   * is closed), for ratios against the measured matmul rate or bandwidth.
   */
  record Result(Section section, java.util.List<Check> checks,
      java.util.List<java.util.function.Function<MachineLimits, Check>> machineChecks) {
    public Result {
      checks = checks == null ? java.util.List.of() : java.util.List.copyOf(checks);
      machineChecks = machineChecks == null ? java.util.List.of() : java.util.List.copyOf(machineChecks);
    }

    public Result(Section section, java.util.List<Check> checks) { this(section, checks, null); }
  }
}
