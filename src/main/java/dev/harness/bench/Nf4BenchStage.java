package dev.harness.bench;

import dev.harness.HarnessException;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.WeightBytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code harness bench --nf4}: the same checkpoint loaded again with NF4 (plain and double-quantized) linear layers.
 * Per variant: the bytes of the quantized layers against the same layers in float16 (target ≤ 0.30×; NF4 stores
 * 0.5625 B/weight, 0.516 with double quantization, against 2), the load time, and the median greedy decode tokens/s
 * against the float baseline of this run (NF4 dequantizes each layer's weight at every matmul, so it is slower on
 * CPU; the point of NF4 here is memory).
 */
public final class Nf4BenchStage implements BenchStage {
  public static final double BYTES_TARGET = 0.30;

  /** One quantization's measurement. */
  public record Row(String quantization, WeightBytes bytes, double loadSeconds, double decodeTokensPerSecond) {}

  private final Consumer<String> log;

  public Nf4BenchStage(Consumer<String> log) { this.log = log == null ? s -> {} : log; }

  @Override
  public String name() { return "nf4"; }

  @Override
  public Result run(Context ctx) {
    Path dir = Path.of(ctx.engine().info().model());
    BenchConfig c = ctx.config();
    int decode = Math.max(2, Math.min(c.decodeTokens(), 16));
    int[] prompt = java.util.Arrays.copyOf(ctx.promptIds(), Math.min(ctx.promptIds().length, 64));
    List<Row> rows = new ArrayList<>();
    for (String q : List.of("nf4", "nf4_dq")) {
      log.accept("nf4: loading " + dir + " with " + q + ", then " + c.repeats() + " greedy runs of " + decode + " tokens after " + prompt.length);
      long t0 = System.nanoTime();
      try (LocalEngine e = LocalEngine.open(dir, new LocalOptions(c.dtype(), c.device(), null, q))) {
        double load = (System.nanoTime() - t0) / 1e9;
        complete(e, prompt, 2);
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < c.repeats(); i++) {
          Completion done = complete(e, prompt, decode);
          int steps = done.usage().completionTokens() - 1;
          Double ms = done.telemetry().decodeMs();
          if (steps < 1 || ms == null || ms <= 0) throw new HarnessException("nf4: nothing decoded to time", 1);
          rates.add(steps / (ms / 1000));
        }
        rows.add(new Row(q, e.weightBytes(), load, Stats.median(rates)));
      }
    }
    return result(rows, ctx.engine().weightBytes(), Stats.median(ctx.baseline().decodeTokensPerSecond()));
  }

  private static Completion complete(LocalEngine e, int[] prompt, int n) {
    return e.complete(prompt, CompletionRequest.greedy(Prompt.text(""), n));
  }

  /** The table and the bytes checks. Package-private for tests. */
  static Result result(List<Row> rows, WeightBytes floatBytes, double floatDecode) {
    List<List<Object>> table = new ArrayList<>();
    table.add(List.of("none", floatBytes.elements(), floatBytes.linear(), floatBytes.float16(), Stats.round(floatBytes.bytesPerWeight(), 4),
        Stats.round(floatBytes.ratioToFloat16(), 4), "n/a", Stats.round(floatDecode, 3), 1.0));
    List<Check> checks = new ArrayList<>();
    for (Row r : rows) {
      WeightBytes b = r.bytes();
      table.add(List.of(r.quantization(), b.elements(), b.linear(), b.float16(), Stats.round(b.bytesPerWeight(), 4),
          Stats.round(b.ratioToFloat16(), 4), Stats.round(r.loadSeconds(), 2), Stats.round(r.decodeTokensPerSecond(), 3),
          Stats.round(r.decodeTokensPerSecond() / floatDecode, 3)));
      checks.add(new Check(r.quantization() + "_bytes_vs_f16", r.quantization() + " linear weight bytes / float16",
          r.quantization() + " MB", b.linear() / 1e6, "float16 MB", b.float16() / 1e6, "MB", Check.Comparison.AT_MOST,
          BYTES_TARGET, "every linear layer except embeddings and lm_head: packed 4-bit codes + absmax (per 64 weights; "
              + "double-quantized: int8 per 64 + a float32 scale per 256 blocks + the mean) vs 2 bytes per weight"));
    }
    Section s = new Section("nf4", "NF4 linear layers (ratios to float16 bytes and to this run's float decode)",
        List.of("quantization", "linear_weights", "bytes", "float16_bytes", "bytes_per_weight", "vs_float16", "load_s",
            "decode_tok_s", "decode_vs_float"), table);
    return new Result(s, checks);
  }

}
