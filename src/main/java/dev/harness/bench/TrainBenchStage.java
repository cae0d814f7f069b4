package dev.harness.bench;

import ai.djl.ndarray.NDManager;
import dev.harness.train.BaseFormat;
import dev.harness.train.LoraSettings;
import dev.harness.train.SftLoss;
import dev.harness.train.StepRecord;
import dev.harness.train.TrainExample;
import dev.harness.train.TrainSettings;
import dev.harness.train.TrainableLlama;
import dev.harness.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code harness bench --train}: LoRA training steps on the benchmarked checkpoint with a float32 base and with an
 * NF4 base, plain and double-quantized (QLoRA): steps/s and tokens/s (median of the measured steps after one warm-up), the process's peak RSS
 * during each (VmHWM reset before loading that base), and the weight bytes of the quantized projections against
 * float16 (target ≤ 0.30×). LoRA r 16, alpha 32 on q/k/v/o; one sequence of {@code tokens} random ids per step, SFT
 * loss on its second half.
 */
public final class TrainBenchStage implements BenchStage {
  public static final double NF4_BYTES_TARGET = 0.30;

  private final int tokens;
  private final int steps;
  private final Consumer<String> log;

  public TrainBenchStage(int tokens, int steps, Consumer<String> log) {
    if (tokens < 4) throw new IllegalArgumentException("--train-tokens: expected >= 4, got " + tokens);
    if (steps < 1) throw new IllegalArgumentException("--train-steps: expected >= 1, got " + steps);
    this.tokens = tokens;
    this.steps = steps;
    this.log = log == null ? s -> {} : log;
  }

  @Override
  public String name() { return "train"; }

  /** One base format's measurements. */
  record Row(String base, double stepsPerSecond, double tokensPerSecond, long projectionBytes, long projectionWeights,
      Long startRss, Long peakRss, double firstLoss) {}

  @Override
  public Result run(Context ctx) {
    Path dir = ctx.engine().hfTokenizer().dir();
    int vocab = ctx.engine().vocabSize();
    int t = Math.min(tokens, ctx.engine().maxLength());
    int[] ids = EngineProbe.promptIds(vocab, t, ctx.config().seed() + 7);
    List<TrainExample> data = List.of(TrainExample.sft(1, ids, t / 2));
    List<Row> rows = new ArrayList<>();
    for (BaseFormat f : List.of(BaseFormat.FLOAT32, BaseFormat.NF4, BaseFormat.NF4_DQ)) rows.add(measure(dir, f, data, ctx.engine().device()));
    return result(rows, t);
  }

  private Row measure(Path dir, BaseFormat format, List<TrainExample> data, ai.djl.Device device) {
    System.gc();
    Long start = ProcMemory.rssBytes();
    boolean reset = ProcMemory.resetPeak();
    LoraSettings lora = new LoraSettings(16, 32.0, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false);
    TrainSettings ts = new TrainSettings("sft", 1e-4, 0.0, "constant", null, 0, null, steps + 1, 1, 1, 1.0, 0L, 0.0, 0,
        0, false, tokens, null, null, null);
    log.accept("train: " + format.name().toLowerCase() + " base, LoRA r16 q/k/v/o, " + tokens + " tokens, 1 warm-up + " + steps + " steps");
    try (NDManager root = NDManager.newBaseManager(device);
        TrainableLlama model = TrainableLlama.load(dir, root, format, lora, 0)) {
      Trainer trainer = new Trainer(model, new SftLoss(), ts, data, List.of(), 0, root);
      List<StepRecord> recs = new ArrayList<>();
      trainer.run(0, steps + 1, recs::add, s -> {});
      List<Double> secs = new ArrayList<>();
      for (int i = 1; i < recs.size(); i++) secs.add(recs.get(i).seconds());
      double median = Stats.median(secs);
      Long peak = reset ? ProcMemory.peakBytes() : null;
      return new Row(format.name().toLowerCase(), 1 / median, data.get(0).length() / median, model.projectionBytes(),
          model.projectionWeights(), start, peak, recs.get(0).loss());
    }
  }

  /** The table and the NF4 bytes check (package-private for tests). */
  static Result result(List<Row> rows, int tokens) {
    Row ref = rows.get(0);
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(r.base(), Stats.round(r.stepsPerSecond(), 4), Stats.round(r.tokensPerSecond(), 2),
          Stats.round(r.stepsPerSecond() / ref.stepsPerSecond(), 3), Stats.round(r.projectionBytes() / 1e6, 4),
          Stats.round((double) r.projectionBytes() / r.projectionWeights(), 4), mb(r.peakRss()), mb(delta(r)),
          delta(r) == null || delta(ref) == null ? "n/a" : Stats.round((double) delta(r) / delta(ref), 3), Stats.round(r.firstLoss(), 4)));
    }
    Section section = new Section("train", "LoRA training (r16, q/k/v/o, " + tokens + " tokens per step): float32 vs NF4 base",
        List.of("base", "steps_s", "tokens_s", "steps_vs_float", "projection_mb", "bytes_per_weight", "peak_rss_mb",
            "peak_over_start_mb", "peak_over_start_vs_float", "first_loss"), table);
    List<Check> checks = new ArrayList<>();
    for (Row r : rows) {
      if (!r.base().startsWith("nf4")) continue;
      checks.add(new Check("train_" + r.base() + "_bytes_vs_f16", r.base() + " projection bytes / float16 bytes", r.base() + " MB",
          r.projectionBytes() / 1e6, "float16 MB", r.projectionWeights() * 2 / 1e6, "MB", Check.Comparison.AT_MOST,
          NF4_BYTES_TARGET, "q/k/v/o/gate/up/down weights: NF4 codes (0.5 B) + absmax (float32, or int8 + scales with _dq), vs 2 B per weight"));
    }
    return new Result(section, checks);
  }

  private static Long delta(Row r) { return r.peakRss() == null || r.startRss() == null ? null : r.peakRss() - r.startRss(); }


  private static Object mb(Long bytes) { return bytes == null ? "n/a" : Stats.round(bytes / 1e6, 1); }
}
