package dev.harness.bench;

import dev.harness.engine.local.LocalEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code harness bench --mc}: log-likelihood throughput (choices scored per second) for ARC-Easy-shaped requests —
 * a context of {@link #CONTEXT_TOKENS} tokens (a "Question: ...\nAnswer:" prompt) and four continuations of 2–6
 * tokens — scored one request per forward pass ({@code scoreIds}) and with shared-context batching (the choices of
 * consecutive documents together in one left-padded forward pass of up to {@code batch} requests,
 * {@code scoreIdsBatch}, mc_eval with {@code shared_prefix: false}), and with the shared prefix (each document's context
 * prefilled once, its choices on the cached prefix, {@code scoreIdsShared}: mc_eval's default). Median of the configured repeats after one warm-up each; prints
 * batched / unbatched. The largest |difference| of the summed log-likelihoods between the two ways is reported too
 * (results must not depend on the batch size).
 */
public final class McBenchStage implements BenchStage {
  public static final int CONTEXT_TOKENS = 30;
  public static final int CHOICES = 4;

  /** One way of scoring: choices per second (median) and the number of choices per run. */
  public record Row(String mode, int batch, int choices, double choicesPerSecond) {}

  private final int docs;
  private final int batch;
  private final Consumer<String> log;

  public McBenchStage(int docs, int batch, Consumer<String> log) {
    if (docs < 1) throw new IllegalArgumentException("--mc-docs: expected >= 1, got " + docs);
    if (batch < 2) throw new IllegalArgumentException("--mc-batch: expected >= 2 (1 is the unbatched reference), got " + batch);
    this.docs = docs;
    this.batch = batch;
    this.log = log == null ? s -> {} : log;
  }

  @Override
  public String name() { return "mc"; }

  /** Documents of random ids: a context and four continuations (2–6 tokens) each, from {@code seed}. */
  static List<int[][]> documents(int vocab, int docs, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[][]> out = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      int[][] doc = new int[CHOICES + 1][];
      doc[0] = EngineProbe.promptIds(vocab, CONTEXT_TOKENS, r.nextLong());
      for (int c = 1; c <= CHOICES; c++) doc[c] = EngineProbe.promptIds(vocab, 2 + r.nextInt(5), r.nextLong());
      out.add(doc);
    }
    return out;
  }

  @Override
  public Result run(Context ctx) {
    LocalEngine engine = ctx.engine();
    List<int[][]> ds = documents(engine.vocabSize(), docs, ctx.config().seed() + 7);
    int n = docs * CHOICES;
    log.accept("mc: " + docs + " ARC-Easy-shaped documents (" + CONTEXT_TOKENS + "-token context, " + CHOICES
        + " choices of 2-6 tokens), unbatched vs batches of " + batch + ", 1 warm-up + " + ctx.config().repeats() + " runs each");
    double[] single = new double[n];
    double[] batched = new double[n];
    unbatched(engine, ds, single);
    double r1 = Stats.medianRate(n, ctx.config().repeats(), () -> unbatched(engine, ds, single));
    batched(engine, ds, batched);
    double r2 = Stats.medianRate(n, ctx.config().repeats(), () -> batched(engine, ds, batched));
    double[] prefix = new double[n];
    shared(engine, ds, prefix);
    double r3 = Stats.medianRate(n, ctx.config().repeats(), () -> shared(engine, ds, prefix));
    double maxDiff = 0;
    for (int i = 0; i < n; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(single[i] - batched[i]));
      maxDiff = Math.max(maxDiff, Math.abs(single[i] - prefix[i]));
    }
    return result(List.of(new Row("unbatched", 1, n, r1), new Row("shared-context batched", batch, n,
        r2), new Row("shared prefix (KV cache)", CHOICES, n, r3)), maxDiff);
  }

  private static void shared(LocalEngine engine, List<int[][]> ds, double[] out) {
    int k = 0;
    for (int[][] d : ds) {
      List<int[]> conts = new ArrayList<>();
      for (int c = 1; c <= CHOICES; c++) conts.add(d[c]);
      for (var scores : engine.scoreIdsShared(d[0], conts)) out[k++] = sum(scores);
    }
  }

  private static void unbatched(LocalEngine engine, List<int[][]> ds, double[] out) {
    int k = 0;
    for (int[][] d : ds) {
      for (int c = 1; c <= CHOICES; c++) out[k++] = sum(engine.scoreIds(d[0], d[c]));
    }
  }

  private void batched(LocalEngine engine, List<int[][]> ds, double[] out) {
    List<int[]> ctx = new ArrayList<>();
    List<int[]> cont = new ArrayList<>();
    int k = 0;
    for (int[][] d : ds) {
      if (ctx.size() + CHOICES > batch && !ctx.isEmpty()) k = flush(engine, ctx, cont, out, k);
      for (int c = 1; c <= CHOICES; c++) {
        ctx.add(d[0]);
        cont.add(d[c]);
      }
    }
    flush(engine, ctx, cont, out, k);
  }

  private static int flush(LocalEngine engine, List<int[]> ctx, List<int[]> cont, double[] out, int k) {
    if (ctx.isEmpty()) return k;
    for (var scores : engine.scoreIdsBatch(ctx, cont)) out[k++] = sum(scores);
    ctx.clear();
    cont.clear();
    return k;
  }

  private static double sum(List<dev.harness.engine.TokenScore> s) {
    double x = 0;
    for (var t : s) x += t.logprob();
    return x;
  }

  /** The section and the ratio check (package-private for tests). */
  static Result result(List<Row> rows, double maxAbsDiff) {
    Row ref = rows.get(0);
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(r.mode(), r.batch(), r.choices(), Stats.round(r.choicesPerSecond(), 2),
          Stats.round(r.choicesPerSecond() / ref.choicesPerSecond(), 3)));
    }
    Section s = new Section("mc", "Multiple-choice log-likelihood: choices scored per second, ARC-Easy shape (max |Δ loglik| "
        + String.format(java.util.Locale.ROOT, "%.2e", maxAbsDiff) + " against unbatched)",
        List.of("mode", "batch", "choices", "choices_per_s", "vs_unbatched"), table);
    Row b = rows.get(1);
    List<Check> checks = new ArrayList<>();
    checks.add(new Check("mc_batched_vs_unbatched", "choices/s batched (" + b.batch() + ") / unbatched",
        "batched choices/s", b.choicesPerSecond(), "unbatched choices/s", ref.choicesPerSecond(), "choices/s",
        Check.Comparison.AT_LEAST, 1.0, "same requests, same run: one forward pass per request vs the choices of "
            + "consecutive documents in one left-padded pass"));
    if (rows.size() > 2) {
      Row p = rows.get(2);
      checks.add(new Check("mc_shared_prefix_vs_unbatched", "choices/s shared prefix / unbatched", "shared-prefix choices/s",
          p.choicesPerSecond(), "unbatched choices/s", ref.choicesPerSecond(), "choices/s", Check.Comparison.AT_LEAST, 1.0,
          "each document's context prefilled once into a KV cache, its choices teacher-forced on top (mc_eval's default)"));
    }
    return new Result(s, checks);
  }

}
