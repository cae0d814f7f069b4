package dev.harness.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.harness.HarnessException;
import dev.harness.engine.local.DeviceChoice;
import dev.harness.engine.local.GpuMemory;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.NativeHeap;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.CheckpointException;
import dev.harness.study.LocalEngines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs one benchmark: libtorch up → baseline RSS → checkpoint (generated or given) → load → prefill and decode →
 * extra stages → peak RSS → engine closed → machine probes (after the engine, so their large arrays never count in
 * the model's peak) → report.
 */
public final class Bench {
  private final BenchConfig cfg;
  private final Consumer<String> log;

  public Bench(BenchConfig cfg, Consumer<String> log) {
    this.cfg = cfg;
    this.log = log == null ? s -> {} : log;
  }

  public BenchReport run() {
    Engine djl = Engine.getInstance();
    device(); // --device gpu without one: exit 2 before a checkpoint is generated or read
    if (cfg.threads() != null) {
      if (!"PyTorch".equals(djl.getEngineName())) throw new HarnessException("--threads needs DJL's PyTorch engine", 2);
      JniUtils.setNumThreads(cfg.threads());
    }
    Long baseline = ProcMemory.rssBytes();
    Path temp = null;
    try {
      Path dir;
      double genSeconds = 0;
      if (cfg.model() == null) {
        dir = cfg.keep() != null ? cfg.keep() : (temp = Files.createTempDirectory("harness-bench-"));
        log.accept("generating a random " + cfg.shape().name() + " checkpoint (" + cfg.shape().paramCount() + " params, seed "
            + cfg.seed() + ") in " + dir);
        long t0 = System.nanoTime();
        CheckpointGenerator.write(dir, cfg.shape(), cfg.seed());
        genSeconds = (System.nanoTime() - t0) / 1e9;
      } else {
        dir = LocalEngines.modelDir(cfg.model(), "command line", "--model");
      }
      long params = paramCount(dir);
      return measure(dir, params, baseline, genSeconds);
    } catch (IOException e) {
      throw HarnessException.failure("bench: " + e.getMessage(), e);
    } finally {
      if (temp != null) deleteTree(temp);
    }
  }

  private BenchReport measure(Path dir, long params, Long baseline, double genSeconds) {
    DataType type = cfg.dtype().equals("float16") ? DataType.FLOAT16 : DataType.FLOAT32;
    boolean reset = ProcMemory.resetPeak();
    log.accept("loading " + dir);
    long t0 = System.nanoTime();
    EngineRun run;
    ModelConfig mc;
    Long afterLoad;
    Long peak;
    Long gpuInUse;
    long fileBacked;
    List<Check> extraChecks = new ArrayList<>();
    List<Section> sections = new ArrayList<>();
    List<java.util.function.Function<MachineLimits, Check>> machineChecks = new ArrayList<>();
    ModelCost cost;
    double loadSeconds;
    try (LocalEngine engine = open(dir)) {
      loadSeconds = (System.nanoTime() - t0) / 1e9;
      afterLoad = ProcMemory.rssBytes();
      mc = engine.config();
      fileBacked = engine.fileBackedBytes();
      cost = ModelCost.of(mc, params, type.getNumOfBytes());
      if (cfg.prefillTokens() + cfg.decodeTokens() > engine.maxLength()) {
        throw new HarnessException("--prefill-tokens + --decode-tokens = " + (cfg.prefillTokens() + cfg.decodeTokens())
            + " exceeds the model's context window " + engine.maxLength(), 2);
      }
      int[] prompt = EngineProbe.promptIds(mc.vocabSize(), cfg.prefillTokens(), cfg.seed());
      run = new EngineProbe(engine, log).measure(prompt, cfg.decodeTokens(), cfg.repeats());
      // the standard peak covers load + prefill + decode; stages may reset VmHWM to measure their own
      peak = ProcMemory.peakBytes();
      gpuInUse = GpuMemory.inUseBytes(engine.device()); // device-wide, while the model and its caches are held
      for (BenchStage s : cfg.stages()) {
        log.accept("stage " + s.name());
        BenchStage.Result r = s.run(new BenchStage.Context(engine, cost, prompt, cfg, run));
        if (r.section() != null) sections.add(r.section());
        extraChecks.addAll(r.checks());
        machineChecks.addAll(r.machineChecks());
      }
    }
    return finish(dir, mc, cost, run, baseline, afterLoad, peak, gpuInUse, fileBacked, reset, genSeconds, loadSeconds, extraChecks,
        machineChecks, sections, type);
  }

  private BenchReport finish(Path dir, ModelConfig mc, ModelCost cost, EngineRun run, Long baseline, Long afterLoad,
      Long peak, Long gpuInUse, long fileBacked, boolean reset, double genSeconds, double loadSeconds, List<Check> extraChecks,
      List<java.util.function.Function<MachineLimits, Check>> machineChecks, List<Section> sections, DataType type) {
    log.accept("machine probes: matmul " + cfg.probeSizes().matmulN() + ", matrix-vector " + cfg.probeSizes().matvecN()
        + ", bandwidth over " + (cfg.probeSizes().streamBytes() >> 20) + " MiB");
    MachineLimits machine = new MachineProbe(device(), type, cfg.probeSizes()).measure();
    boolean generated = cfg.model() == null;
    BenchReport.ModelSummary summary = new BenchReport.ModelSummary(generated ? "generated" : cfg.model(),
        mc.architecture().hfName(), mc.vocabSize(), mc.hiddenSize(), mc.numLayers(), mc.numHeads(), mc.numKvHeads(),
        mc.intermediateSize(), cost.totalParams(), cost.weightBytes(), cost.streamedBytesPerToken(),
        cost.prefillFlops(run.prefillTokens(), 1), generated ? cfg.seed() : null, genSeconds, loadSeconds);
    BenchReport.MemoryUsage mem = new BenchReport.MemoryUsage(baseline, afterLoad, peak, reset, cost.weightBytes(),
        gpuInUse, gpuInUse == null ? GpuMemory.unavailableBecause(device()) : null, null, fileBacked, NativeHeap.state());
    List<Check> checks = new ArrayList<>(BenchReport.standardChecks(summary, machine, run, mem));
    checks.addAll(extraChecks);
    for (var f : machineChecks) checks.add(f.apply(machine));
    int threads = "PyTorch".equals(Engine.getInstance().getEngineName()) ? JniUtils.getNumThreads() : -1;
    BenchReport.Environment env = new BenchReport.Environment(device().toString().replace("()", ""), DeviceChoice.libtorch().label(), cfg.dtype(), threads,
        Runtime.getRuntime().availableProcessors(), ProcMemory.loadAverage(), System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return new BenchReport(env, summary, machine, run, mem, checks, sections);
  }

  private LocalEngine open(Path dir) {
    try {
      return LocalEngine.open(dir, new LocalOptions(cfg.dtype(), cfg.device(), null));
    } catch (CheckpointException e) {
      throw new HarnessException(e.getMessage(), 1, e);
    } catch (IllegalArgumentException e) {
      throw new HarnessException(e.getMessage(), 2, e);
    }
  }

  /** The device LocalEngine picks for the same choice; gpu without one is a usage error (exit 2). */
  private Device device() {
    try {
      return DeviceChoice.resolve(cfg.device());
    } catch (IllegalArgumentException e) {
      throw new HarnessException("--device: " + e.getMessage(), 2);
    }
  }

  /** Elements of every tensor in the checkpoint. */
  static long paramCount(Path dir) {
    try (Checkpoint ck = Checkpoint.open(dir)) {
      long n = 0;
      for (String name : ck.names()) n += ck.entry(name).elements();
      return n;
    } catch (CheckpointException e) {
      throw new HarnessException(e.getMessage(), 1, e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a temp directory left behind is harmless
    }
  }
}
