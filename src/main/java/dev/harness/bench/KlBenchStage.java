package dev.harness.bench;

import dev.harness.HarnessException;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.study.kl.Alignment;
import dev.harness.study.kl.DumpComparison;
import dev.harness.study.kl.KlComparison;
import dev.harness.study.kl.SyntheticDumps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code harness bench --kl}: {@code harness kl}'s comparison (topk_rest, matched alignment) on a generated pair of
 * dumps of {@code prompts} prompts × {@code samples} samples × {@code tokens} tokens × top-{@code topK} (chat format),
 * and on a tenth of the prompts, in the same run. Per size: the files' size, wall time of the whole comparison (both
 * passes over both files), tokens read per second, and the largest live Java heap (occupancy after a collection)
 * during the comparison. Check: that heap at the full size against the tenth, target ≤
 * {@value #HEAP_GROWTH_TARGET} — the comparison streams one prompt at a time, so ten times the prompts must not need
 * ten times the memory. The model loaded by the rest of the bench is not used.
 */
public final class KlBenchStage implements BenchStage {
  public static final double HEAP_GROWTH_TARGET = 2.0;
  private final int prompts, samples, tokens, topK;
  private final Consumer<String> log;

  public KlBenchStage(int prompts, int samples, int tokens, int topK, Consumer<String> log) {
    if (prompts < 10) throw new IllegalArgumentException("--kl-prompts: expected >= 10, got " + prompts);
    if (samples < 1) throw new IllegalArgumentException("--kl-samples: expected >= 1, got " + samples);
    if (tokens < 1) throw new IllegalArgumentException("--kl-tokens: expected >= 1, got " + tokens);
    if (topK < 1 || topK > 20) throw new IllegalArgumentException("--kl-top: expected 1..20, got " + topK);
    this.prompts = prompts;
    this.samples = samples;
    this.tokens = tokens;
    this.topK = topK;
    this.log = log == null ? s -> {} : log;
  }

  /**
   * The largest heap occupancy right after a garbage collection seen while the comparison runs (the live data, which
   * is what grows when a reader holds more than one prompt; the raw peak also counts garbage not yet collected and
   * follows the collector's sizing), polled every 10 ms.
   */
  private static final class LiveHeap {
    private final List<MemoryPoolMXBean> pools;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long max;

    LiveHeap(List<MemoryPoolMXBean> pools) {
      this.pools = pools;
      max = sample();
      thread = new Thread(() -> {
        while (running) {
          max = Math.max(max, sample());
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "kl-bench-heap");
      thread.setDaemon(true);
      thread.start();
    }

    private long sample() {
      long sum = 0;
      for (MemoryPoolMXBean p : pools) {
        var u = p.getCollectionUsage();
        if (u != null) sum += u.getUsed();
      }
      return sum;
    }

    void stop() {
      System.gc();
      max = Math.max(max, sample());
      running = false;
      thread.interrupt();
    }

    long max() { return max; }
  }

  /** One size's measurement. */
  public record Row(int prompts, long tokensRead, long fileBytes, double wallSeconds, double tokensPerSecond,
      long liveHeapBytes, long compared) {}

  @Override
  public String name() { return "kl"; }

  @Override
  public Result run(Context ctx) {
    List<Row> rows = new ArrayList<>();
    for (int n : new int[] {prompts / 10, prompts}) rows.add(measure(n, ctx.config().seed()));
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(r.prompts(), samples, tokens, topK, String.format(java.util.Locale.ROOT, "%.1f",
          r.fileBytes() / 1048576.0), String.format(java.util.Locale.ROOT, "%.2f", r.wallSeconds()),
          String.format(java.util.Locale.ROOT, "%.0f", r.tokensPerSecond()),
          String.format(java.util.Locale.ROOT, "%.1f", r.liveHeapBytes() / 1048576.0), r.compared()));
    }
    Section section = new Section("kl", "harness kl on generated dumps (topk_rest, streaming)", List.of("prompts",
        "samples", "tokens", "top_k", "dump MiB (A+B)", "wall s", "tokens read/s", "live heap after GC, max MiB", "prompts compared"),
        table);
    Row small = rows.get(0), full = rows.get(1);
    Check heap = new Check("kl_heap_growth", "kl live heap at " + full.prompts() + " vs " + small.prompts()
        + " prompts", "live heap " + full.prompts() + " prompts", full.liveHeapBytes() / 1048576.0, "live heap "
        + small.prompts() + " prompts", small.liveHeapBytes() / 1048576.0, "MiB", Check.Comparison.AT_MOST,
        HEAP_GROWTH_TARGET, "max live heap after GC (10x prompts) / (1x)");
    return new Result(section, List.of(heap));
  }

  private Row measure(int n, long seed) {
    Path dir;
    try {
      dir = Files.createTempDirectory("harness-kl-bench");
    } catch (IOException e) {
      throw HarnessException.failure("creating a temporary folder: " + e.getMessage(), e);
    }
    try {
      log.accept("kl: writing " + n + " prompts x " + samples + " samples x " + tokens + " tokens x top-" + topK);
      Path[] ab = SyntheticDumps.generate(dir, n, samples, tokens, topK, seed);
      long bytes = Files.size(ab[0]) + Files.size(ab[1]);
      System.gc();
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).toList();
      LiveHeap live = new LiveHeap(heap);
      long t0 = System.nanoTime();
      DumpComparison run;
      try {
        run = KlComparison.run(ab[0], ab[1], new KlComparison.Settings(Estimator.TOPK_REST, Alignment.MATCHED,
            new KlOptions(0.5, 1000, 0.95, seed), true));
      } finally {
        live.stop();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      long peak = live.max();
      long read = 2L * n * samples * tokens;
      log.accept(String.format(java.util.Locale.ROOT, "kl: %d prompts: %.2f s, %.0f tokens/s, live heap %.1f MiB", n,
          wall, read / wall, peak / 1048576.0));
      return new Row(n, read, bytes, wall, read / wall, peak, run.compared());
    } catch (IOException e) {
      throw HarnessException.failure("kl bench: " + e.getMessage(), e);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) Files.deleteIfExists(p);
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // a temporary folder left behind is harmless
      }
    }
  }
}
