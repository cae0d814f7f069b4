package dev.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Everything one `harness bench` run measured, as a table for people or one JSON document for tools. */
public record BenchReport(Environment environment, ModelSummary model, MachineLimits machine, EngineRun engine,
    MemoryUsage memory, List<Check> checks, List<Section> sections) {

  public BenchReport {
    checks = List.copyOf(checks);
    sections = sections == null ? List.of() : List.copyOf(sections);
  }

  /**
   * Where the numbers were taken. {@code threads}: libtorch's intra-op threads; {@code loadAverage}: the 1-minute
   * load average at the end of the run (null off Linux); above {@code cpus} the timings were taken on a busy machine.
   */
  public record Environment(String device, String libtorch, String dtype, int threads, int cpus, Double loadAverage, String java,
      String os) {}

  /**
   * The model measured. {@code source}: the directory or id, or "generated"; {@code seed} only for generated ones;
   * {@code generateSeconds} 0 when not generated.
   */
  public record ModelSummary(String source, String architecture, int vocab, int hidden, int layers, int heads,
      int kvHeads, int intermediate, long params, long weightBytes, long streamedBytesPerToken,
      double prefillFlops, Long seed, double generateSeconds, double loadSeconds) {}

  /**
   * Resident memory. {@code baselineRss}: the JVM with libtorch loaded, before the model; {@code peakRss}: VmHWM at
   * the end of the engine runs (reset just before loading when {@code peakReset}; otherwise the whole process).
   * {@code gpuInUse}: device-wide GPU memory in use after the engine runs (null: unavailable, with
   * {@code gpuUnavailable} saying why); {@code gpuAllocatorPeak}: always null, DJL has no allocator statistics.
   * {@code fileBackedBytes}: weight bytes left in the checkpoint file and read per row (an untied input embedding on
   * the CPU; counted in {@code weightBytes}, not resident); {@code nativeHeap}: the host heap policy in force.
   */
  public record MemoryUsage(Long baselineRss, Long rssAfterLoad, Long peakRss, boolean peakReset, long weightBytes,
      Long gpuInUse, String gpuUnavailable, Long gpuAllocatorPeak, long fileBackedBytes, String nativeHeap) {
    public MemoryUsage(Long baselineRss, Long rssAfterLoad, Long peakRss, boolean peakReset, long weightBytes) {
      this(baselineRss, rssAfterLoad, peakRss, peakReset, weightBytes, null, "not measured", null, 0, null);
    }
  }

  // ---------------------------------------------------------------- the three standard checks

  public static final double PREFILL_TARGET = 0.5;
  public static final double DECODE_TARGET = 0.5;
  public static final double PEAK_TARGET = 1.3;

  /** Prefill model FLOP/s ÷ matmul rate, decode weight bytes/s ÷ read bandwidth, peak RSS ÷ weight bytes. */
  public static List<Check> standardChecks(ModelSummary m, MachineLimits machine, EngineRun e, MemoryUsage mem) {
    List<Check> out = new ArrayList<>();
    double prefillRate = m.prefillFlops() / e.prefillSecondsMedian() / 1e9;
    out.add(new Check("prefill_vs_matmul", "prefill FLOP/s / matmul rate", "prefill GFLOP/s", prefillRate,
        "matmul " + machine.matmulN() + "^3 GFLOP/s", machine.matmulGflops(), "GFLOP/s", Check.Comparison.AT_LEAST,
        PREFILL_TARGET, ModelCost.PREFILL_FORMULA));
    double decodeGBs = m.streamedBytesPerToken() * e.decodeTokensPerSecondMedian() / 1e9;
    out.add(new Check("decode_vs_bandwidth", "decode bytes/s / read bandwidth", "decode weight GB/s", decodeGBs,
        "read (sum) GB/s", machine.readGbps(), "GB/s", Check.Comparison.AT_LEAST, DECODE_TARGET,
        ModelCost.DECODE_FORMULA + "; bandwidth: the read-only sum figure"));
    double peak = mem.peakRss() == null ? Double.NaN : mem.peakRss() / 1e6;
    out.add(new Check("peak_rss_vs_weights", "peak RSS / weight bytes", "peak RSS MB", peak, "weights MB",
        mem.weightBytes() / 1e6, "MB", Check.Comparison.AT_MOST, PEAK_TARGET,
        "VmHWM of the whole process (JVM + libtorch baseline included) / params * bytes/param; host memory only (on a GPU "
            + "the weights live in GPU memory, so this ratio says little there)"));
    return out;
  }

  // ---------------------------------------------------------------- rendering

  public String table() {
    StringBuilder b = new StringBuilder();
    Environment env = environment;
    ModelSummary m = model;
    b.append(f("harness bench: %s, %s, %.2fM params, %s on %s (libtorch %s), %d libtorch thread(s), %d cpu(s), load average %s%s%n",
        m.source().equals("generated") ? "generated " + m.architecture() + " (seed " + m.seed() + ")" : m.source(),
        shapeText(m), m.params() / 1e6, env.dtype(), env.device(), env.libtorch(), env.threads(), env.cpus(),
        env.loadAverage() == null ? "n/a" : f("%.2f", env.loadAverage()),
        env.loadAverage() != null && env.loadAverage() > env.cpus() ? " (busy machine: timings are noisy)" : ""));
    b.append(f("%nMACHINE (DJL, same device and dtype)%n"));
    MachineLimits k = machine;
    b.append(row("matmul [%d,%d]x[%d,%d]", k.matmulN(), k.matmulN(), k.matmulN(), k.matmulN()))
        .append(f("%10.1f GFLOP/s%n", k.matmulGflops()));
    b.append(row("matrix-vector [1,%d]x[%d,%d]", k.matvecN(), k.matvecN(), k.matvecN()))
        .append(f("%10.1f GFLOP/s  = %.1f GB/s of matrix read%n", k.matvecGflops(), k.matvecGbps()));
    b.append(row("copy bandwidth (read+write, %s)", mb(k.streamBytes())))
        .append(f("%10.2f GB/s%n", k.copyGbps()));
    b.append(row("read bandwidth (sum, %s)", mb(k.streamBytes()))).append(f("%10.2f GB/s%n", k.readGbps()));
    EngineRun e = engine;
    b.append(f("%nENGINE (median of %d runs after a warm-up)%n", e.prefillSeconds().size()));
    b.append(row("prefill %d tokens", e.prefillTokens()))
        .append(f("%10.1f tok/s   %.3f s, %s GFLOP -> %s GFLOP/s%n", e.prefillTokensPerSecond(),
            e.prefillSecondsMedian(), num(m.prefillFlops() / 1e9), num(m.prefillFlops() / e.prefillSecondsMedian() / 1e9)));
    double dps = e.decodeTokensPerSecondMedian();
    b.append(row("decode batch 1, %d steps after %d", e.decodeSteps(), e.decodeContext()))
        .append(f("%10.2f tok/s   %.1f ms/token (%s), %s weights/token%n", dps, 1000 / dps, e.decodeTiming(),
            mb(m.streamedBytesPerToken())));
    b.append(row("load")).append(f("%10.2f s%s%n", m.loadSeconds(),
        m.generateSeconds() > 0 ? f("   (generated in %.2f s)", m.generateSeconds()) : ""));
    MemoryUsage mem = memory;
    b.append(f("%nMEMORY%n"));
    b.append(row("baseline RSS (JVM + libtorch, before load)")).append(f("%10s%n", mbOrNa(mem.baselineRss())));
    b.append(row("RSS after load")).append(f("%10s%n", mbOrNa(mem.rssAfterLoad())));
    b.append(row("peak RSS (VmHWM%s)", mem.peakReset() ? ", reset before load" : ", whole process"))
        .append(f("%10s%n", mbOrNa(mem.peakRss())));
    b.append(row("weight bytes")).append(f("%10s%n", mb(mem.weightBytes())));
    if (mem.fileBackedBytes() > 0) {
      b.append(row("  of which left in the file, read per row")).append(f("%10s   (untied input embedding; not resident)%n",
          mb(mem.fileBackedBytes())));
    }
    if (mem.nativeHeap() != null) b.append(row("native heap")).append(f("  %s%n", mem.nativeHeap()));
    b.append(row("GPU memory in use (device-wide, after runs)"))
        .append(mem.gpuInUse() != null ? f("%10s%n", mb(mem.gpuInUse())) : f("  unavailable: %s%n", mem.gpuUnavailable()));
    b.append(row("GPU allocator peak")).append(mem.gpuAllocatorPeak() != null ? f("%10s%n", mb(mem.gpuAllocatorPeak()))
        : f("  unavailable: DJL exposes no PyTorch allocator statistics%n"));
    if (mem.peakRss() != null && mem.baselineRss() != null) {
      b.append(row("(peak - baseline) / weight bytes"))
          .append(f("%10.2f%n", (mem.peakRss() - mem.baselineRss()) / (double) mem.weightBytes()));
    }
    b.append(f("%nRATIOS%n"));
    b.append(f("  %-34s %7s   %-52s %-8s %s%n", "ratio", "value", "= numerator / denominator", "target", "mark"));
    for (Check c : checks) {
      String inputs = num(c.numerator()) + " " + c.numeratorLabel() + " / " + num(c.denominator()) + " " + c.denominatorLabel();
      b.append(f("  %-34s %7.2f   %-52s %-8s %s%n", c.label(), c.ratio(), inputs,
          c.comparison().symbol() + " " + f("%.2f", c.target()), c.mark()));
    }
    b.append(f("%nFORMULAS%n"));
    for (Check c : checks) b.append(f("  %s: %s%n", c.key(), c.formula()));
    for (Section s : sections) {
      b.append(f("%n%s%n", s.title().toUpperCase(Locale.ROOT)));
      b.append("  ").append(String.join("  ", s.columns())).append('\n');
      for (List<Object> r : s.rows()) {
        b.append("  ").append(String.join("  ", r.stream().map(String::valueOf).toList())).append('\n');
      }
    }
    b.append(f("%n(targets are informative; the exit code is 0 either way)%n"));
    return b.toString();
  }

  public ObjectNode toJson() {
    ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    ObjectNode doc = json.createObjectNode();
    doc.set("environment", json.valueToTree(environment));
    doc.set("model", json.valueToTree(model));
    doc.set("machine", json.valueToTree(machine));
    ObjectNode eng = json.valueToTree(engine);
    eng.put("prefill_seconds_median", engine.prefillSecondsMedian());
    eng.put("prefill_tokens_per_second", engine.prefillTokensPerSecond());
    eng.put("decode_tokens_per_second_median", engine.decodeTokensPerSecondMedian());
    doc.set("engine", eng);
    doc.set("memory", json.valueToTree(memory));
    ArrayNode cs = doc.putArray("checks");
    for (Check c : checks) {
      ObjectNode o = cs.addObject();
      o.put("key", c.key()).put("label", c.label()).put("ratio", c.ratio());
      o.put("numerator", c.numerator()).put("numerator_label", c.numeratorLabel());
      o.put("denominator", c.denominator()).put("denominator_label", c.denominatorLabel());
      o.put("comparison", c.comparison().symbol()).put("target", c.target()).put("pass", c.pass());
      o.put("mark", c.mark()).put("formula", c.formula());
    }
    ArrayNode ss = doc.putArray("sections");
    for (Section s : sections) {
      ObjectNode o = ss.addObject();
      o.put("key", s.key()).put("title", s.title());
      ArrayNode rows = o.putArray("rows");
      for (List<Object> r : s.rows()) {
        ObjectNode ro = rows.addObject();
        for (int i = 0; i < s.columns().size() && i < r.size(); i++) ro.set(s.columns().get(i), json.valueToTree(r.get(i)));
      }
    }
    return doc;
  }

  private static String shapeText(ModelSummary m) {
    return f("hidden %d, %d layers, %d/%d heads, intermediate %d, vocab %d", m.hidden(), m.layers(), m.heads(),
        m.kvHeads(), m.intermediate(), m.vocab());
  }

  private static String row(String label, Object... args) { return f("  %-44s", f(label, args)); }

  private static String mb(long bytes) { return num(bytes / 1e6) + " MB"; }

  /** 1 decimal from 100 on, 2 from 1 on, else 3 significant digits. */
  static String num(double x) {
    if (Double.isNaN(x)) return "n/a";
    double a = Math.abs(x);
    if (a >= 100) return f("%.1f", x);
    if (a >= 1 || a == 0) return f("%.2f", x);
    return f("%.3g", x);
  }

  private static String mbOrNa(Long bytes) { return bytes == null ? "n/a" : mb(bytes); }

  private static String f(String fmt, Object... args) { return String.format(Locale.ROOT, fmt, args); }
}
