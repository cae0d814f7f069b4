package dev.harness.bench;

import dev.harness.HarnessException;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.kv.KvPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code harness bench --kv}: batch-1 greedy decode after a {@code context}-token prompt whose KV cache is compressed
 * once after the prefill by {@code policy} to each budget (fraction of context positions kept; 1.0, the reference, is
 * always measured first). Per budget: n_kept, the kept and full KV bytes (telemetry, measured from the kept tensors'
 * shapes) and kept / (budget × full), the median decode tokens/s and ms/token, and peak RSS — each with its ratio to
 * budget 1.0.
 *
 * <p>Peak RSS per budget: VmHWM reset to the current RSS just before the budget's runs, read after them. Memory the
 * allocator kept from earlier runs counts in later budgets, so the peaks compare only roughly; the KV bytes are the
 * exact saving. Checks: kept bytes within 1% of budget × full bytes per budget below 1.0 (≥ 1 by construction:
 * n_kept = ceil(budget × context)), and decode time per token at the smallest budget against the weights-only cost
 * (weight bytes streamed per token / measured read bandwidth), target ≤ 1 / {@link BenchReport#DECODE_TARGET}.
 */
public final class KvBenchStage implements BenchStage {
  public static final double KEPT_BYTES_TOLERANCE = 0.01;

  /** One budget's measurement. {@code peakRss}/{@code startRss} null off Linux. */
  public record Row(double budget, int nKept, long keptBytes, long fullBytes, double decodeTokensPerSecond,
      double decodeMsPerToken, Long peakRss, Long startRss) {
    /** kept bytes / (budget × full bytes). */
    public double keptVsBudget() { return keptBytes / (budget * fullBytes); }
  }

  private final int context;
  private final List<Double> budgets;
  private final String policy;
  private final Consumer<String> log;

  /** Budgets are deduplicated, sorted from 1.0 down; 1.0 is added when absent (the reference). */
  public KvBenchStage(int context, List<Double> budgets, String policy, Consumer<String> log) {
    if (context < 2) throw new IllegalArgumentException("--kv-context: expected >= 2, got " + context);
    TreeSet<Double> set = new TreeSet<>(java.util.Comparator.reverseOrder());
    for (Double b : budgets) {
      if (b == null || !(b > 0 && b <= 1)) throw new IllegalArgumentException("--kv-budgets: each budget must be in (0, 1], got " + b);
      set.add(b);
    }
    set.add(1.0);
    KvPolicies.of(policy, Map.of()); // unknown names fail here, before anything runs
    this.context = context;
    this.budgets = List.copyOf(set);
    this.policy = policy;
    this.log = log == null ? s -> {} : log;
  }

  public List<Double> budgets() { return budgets; }

  @Override
  public String name() { return "kv"; }

  @Override
  public Result run(Context ctx) {
    LocalEngine engine = ctx.engine();
    int decodeTokens = ctx.config().decodeTokens();
    if (context + decodeTokens > engine.maxLength()) {
      throw new HarnessException("--kv-context + --decode-tokens = " + (context + decodeTokens)
          + " exceeds the model's context window " + engine.maxLength(), 2);
    }
    int[] prompt = EngineProbe.promptIds(engine.vocabSize(), context, ctx.config().seed() + 1);
    log.accept("kv: " + policy + " at " + context + " context tokens, budgets " + budgets + ", " + decodeTokens
        + " new tokens, 1 warm-up + " + ctx.config().repeats() + " runs each");
    complete(engine, prompt, 1.0, Math.min(decodeTokens, 4));
    List<Row> rows = new ArrayList<>();
    for (double b : budgets) {
      Long start = ProcMemory.rssBytes();
      boolean reset = ProcMemory.resetPeak();
      List<Double> rates = new ArrayList<>();
      Completion last = null;
      for (int i = 0; i < ctx.config().repeats(); i++) {
        last = complete(engine, prompt, b, decodeTokens);
        int steps = last.usage().completionTokens() - 1;
        Double ms = last.telemetry().decodeMs();
        if (steps < 1 || ms == null || ms <= 0) throw new HarnessException("kv: budget " + b + ": nothing decoded to time", 1);
        rates.add(steps / (ms / 1000));
      }
      Long peak = reset ? ProcMemory.peakBytes() : null;
      Object nKept = last.telemetry().extra().get("kv_n_kept");
      double rate = Stats.median(rates);
      rows.add(new Row(b, nKept instanceof Number n ? n.intValue() : context, last.telemetry().kvKeptBytes(),
          last.telemetry().kvFullBytes(), rate, 1000 / rate, peak, start));
    }
    return result(rows, ctx.cost(), policy, context);
  }

  private Completion complete(LocalEngine engine, int[] prompt, double budget, int maxTokens) {
    KvSpec kv = new KvSpec(policy, budget, Map.of(), true, null);
    return engine.complete(prompt, CompletionRequest.greedy(Prompt.text(""), maxTokens).withKv(kv));
  }

  /** The section and checks for measured rows (first row: budget 1.0). Package-private for tests. */
  static Result result(List<Row> rows, ModelCost cost, String policy, int context) {
    Row ref = rows.get(0);
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(r.budget(), r.nKept(), r.keptBytes(), r.fullBytes(), Stats.round(r.keptVsBudget(), 5),
          Stats.round(r.decodeTokensPerSecond(), 3), Stats.round(r.decodeTokensPerSecond() / ref.decodeTokensPerSecond(), 3),
          Stats.round(r.decodeMsPerToken(), 3), mb(r.peakRss()), ratio(r.peakRss(), ref.peakRss())));
    }
    Section section = new Section("kv", "KV compression: " + policy + " at " + context + " context tokens (ratios to budget 1.0)",
        List.of("budget", "n_kept", "kept_kv_bytes", "full_kv_bytes", "kept_vs_budget_full", "decode_tok_s",
            "decode_vs_full", "decode_ms_per_token", "peak_rss_mb", "peak_vs_full"), table);
    List<Check> checks = new ArrayList<>();
    for (Row r : rows) {
      if (r.budget() >= 1.0) continue;
      checks.add(new Check("kv_kept_bytes_b" + r.budget(), "kept KV / (b x full) at b=" + r.budget(), "kept KV MB",
          r.keptBytes() / 1e6, "b x full KV MB", r.budget() * r.fullBytes() / 1e6, "MB", Check.Comparison.AT_MOST,
          1 + KEPT_BYTES_TOLERANCE, "kept = sum over layers of 2*kv_heads*n_kept*head_dim*bytes (from the kept tensors), "
              + "n_kept = ceil(b*context): >= 1 by construction, target within 1%"));
    }
    Row smallest = rows.get(rows.size() - 1);
    return new Result(section, checks, List.of(machine -> {
      double weightsOnlyMs = cost.streamedBytesPerToken() / (machine.readGbps() * 1e9) * 1000;
      return new Check("kv_decode_vs_weights_only", "decode ms/token at b=" + smallest.budget() + " / weights-only",
          "decode ms/token", smallest.decodeMsPerToken(), "weights-only ms/token", weightsOnlyMs, "ms",
          Check.Comparison.AT_MOST, 1 / BenchReport.DECODE_TARGET,
          "weights-only ms/token = streamed weight bytes per token / read (sum) bandwidth; decode at " + context
              + " context tokens with the cache compressed to b=" + smallest.budget());
    }));
  }


  private static Object mb(Long bytes) { return bytes == null ? "n/a" : Stats.round(bytes / 1e6, 1); }

  private static Object ratio(Long a, Long b) { return a == null || b == null || b == 0 ? "n/a" : Stats.round((double) a / b, 3); }
}
