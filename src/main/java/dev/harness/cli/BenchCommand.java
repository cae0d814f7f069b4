package dev.harness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.HarnessException;
import dev.harness.bench.Bench;
import dev.harness.bench.BenchConfig;
import dev.harness.bench.BenchReport;
import dev.harness.bench.BenchShape;
import dev.harness.bench.BenchStage;
import dev.harness.bench.KvBenchStage;
import dev.harness.bench.MachineProbe;
import dev.harness.bench.TrainBenchStage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harness bench}: prefill and decode speed of the local engine next to the machine's own matmul rate and
 * memory bandwidth measured in the same run, with the targets as PASS/BELOW marks (exit 0 either way).
 * Without --model it benchmarks a random-weight Llama checkpoint generated on the fly.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Engine micro-benchmarks: prefill/decode tokens/s as ratios of the machine's measured matmul rate, "
        + "memory bandwidth and the weights' size.")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "M",
      description = "Model directory or Hugging Face id; absent: a random Llama checkpoint (hidden 1024, 8 layers, "
          + "16/4 heads, intermediate 2816, vocab 32000, float32) generated in a temporary directory.")
  String model;

  @Option(names = "--prefill-tokens", defaultValue = "512", paramLabel = "N") int prefillTokens;
  @Option(names = "--decode-tokens", defaultValue = "64", paramLabel = "N", description = "New tokens per decode run (>= 2).")
  int decodeTokens;
  @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "Measured runs after a warm-up; medians are reported.")
  int repeats;
  @Option(names = "--threads", paramLabel = "N", description = "libtorch intra-op threads (default: DJL's).") Integer threads;
  @Option(names = "--host-heap", paramLabel = "P",
      description = "CPU host heap policy: compact (default; low peak RSS) or glibc (glibc's defaults; faster prefill). "
          + "Same as HARNESS_HOST_HEAP.") String hostHeap;
  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the generated weights and prompt ids.")
  long seed;
  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16.") String dtype;
  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu.") String device;
  @Option(names = "--keep", paramLabel = "DIR", description = "Write the generated checkpoint here and keep it.") Path keep;
  @Option(names = "--json", description = "Print one JSON document instead of the table.") boolean json;
  @Option(names = {"-v", "--verbose"}, description = "Print stack traces.") boolean verbose;
  @Option(names = "--kv", description = "Also measure decode with a compressed KV cache (see --kv-context, --kv-budgets, --kv-policy).")
  boolean kv;
  @Option(names = "--nf4", description = "Also load the model with NF4 linear layers: bytes vs float16 (target <= 0.30x) and decode speed.")
  boolean nf4;
  @Option(names = "--kv-context", defaultValue = "2048", paramLabel = "N", description = "Context tokens prefilled before compression (--kv).")
  int kvContext;
  @Option(names = "--kv-budgets", defaultValue = "1.0,0.5,0.2", split = ",", paramLabel = "B",
      description = "Fractions of context positions kept, comma-separated; 1.0 (the reference) is always measured (--kv).")
  List<Double> kvBudgets;
  @Option(names = "--kv-policy", defaultValue = "snapkv", paramLabel = "P",
      description = "Compression policy: snapkv, streaming_llm, h2o, knorm, random, full (--kv).")
  String kvPolicy;
  @Option(names = "--kl", description = "Also measure harness kl on generated dumps (see --kl-prompts, --kl-samples, --kl-tokens, --kl-top).")
  boolean kl;
  @Option(names = "--kl-prompts", defaultValue = "1000", paramLabel = "N", description = "Prompts in the generated dumps (--kl; a tenth is measured too).")
  int klPrompts;
  @Option(names = "--kl-samples", defaultValue = "5", paramLabel = "N", description = "Samples per prompt (--kl).")
  int klSamples;
  @Option(names = "--kl-tokens", defaultValue = "200", paramLabel = "N", description = "Tokens per sample (--kl).")
  int klTokens;
  @Option(names = "--kl-top", defaultValue = "20", paramLabel = "K", description = "Top log-probs per position (--kl).")
  int klTop;
  @Option(names = "--mc", description = "Also measure multiple-choice log-likelihood throughput (choices/s) for "
      + "ARC-Easy-shaped requests, unbatched and with shared-context batching (see --mc-docs, --mc-batch).")
  boolean mc;
  @Option(names = "--mc-docs", defaultValue = "32", paramLabel = "N", description = "Documents of 4 choices each (--mc).")
  int mcDocs;
  @Option(names = "--mc-batch", defaultValue = "8", paramLabel = "N", description = "Requests per batched forward pass (--mc).")
  int mcBatch;
  @Option(names = "--train", description = "Also measure LoRA training steps/s and peak memory on a float32 and an NF4 base "
      + "(see --train-tokens, --train-steps), and NF4 projection bytes against float16.")
  boolean train;
  @Option(names = "--train-tokens", defaultValue = "64", paramLabel = "N", description = "Tokens per training step (--train).")
  int trainTokens;
  @Option(names = "--train-steps", defaultValue = "3", paramLabel = "N", description = "Measured training steps per base after one warm-up (--train).")
  int trainSteps;
  @Option(names = "--shape", defaultValue = "bench", hidden = true,
      description = "Generated shape: bench, or tiny (tests: tiny model and small machine probes).")
  String shape;

  @Override
  public Integer call() throws Exception {
    BenchShape s;
    try {
      s = BenchShape.named(shape);
    } catch (IllegalArgumentException e) {
      throw HarnessException.usage("--shape: " + e.getMessage());
    }
    try {
      dev.harness.engine.local.ComputeType.parse(dtype);
    } catch (IllegalArgumentException e) {
      throw HarnessException.usage("--dtype: " + e.getMessage());
    }
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw HarnessException.usage("--device: expected auto, cpu or gpu, got '" + device + "'");
    }
    if (model != null && keep != null) throw HarnessException.usage("--keep only applies to a generated checkpoint (no --model)");
    if (keep != null && Files.exists(keep) && !(Files.isDirectory(keep) && isEmpty(keep))) {
      throw HarnessException.usage("--keep " + keep + ": must be a new or empty directory");
    }
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> log = line -> {
      err.println("bench: " + line);
      err.flush();
    };
    BenchConfig cfg;
    try {
      List<BenchStage> stages = new java.util.ArrayList<>();
      if (kv) stages.add(new KvBenchStage(kvContext, kvBudgets, kvPolicy, log));
      if (mc) stages.add(new dev.harness.bench.McBenchStage(mcDocs, mcBatch, log));
      if (train) stages.add(new TrainBenchStage(trainTokens, trainSteps, log));
      if (nf4) stages.add(new dev.harness.bench.Nf4BenchStage(log));
      if (kl) stages.add(new dev.harness.bench.KlBenchStage(klPrompts, klSamples, klTokens, klTop, log));
      if (hostHeap != null) dev.harness.engine.local.NativeHeap.choose(
          dev.harness.engine.local.NativeHeap.Policy.parse(hostHeap, "--host-heap"));
      else dev.harness.engine.local.NativeHeap.policy(); // a bad HARNESS_HOST_HEAP is a usage error here, not mid-load
      cfg = new BenchConfig(model, s, seed, prefillTokens, decodeTokens, repeats, threads, dtype, device, keep,
          s.name().equals("tiny") ? MachineProbe.Sizes.small() : MachineProbe.Sizes.full(), stages);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw HarnessException.usage(e.getMessage());
    }
    BenchReport report = new Bench(cfg, log).run();
    PrintWriter out = spec.commandLine().getOut();
    if (json) out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
    else out.print(report.table());
    out.flush();
    return ExitCodes.OK;
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** Runs the command on its own (until it is registered under `harness`): returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ExitCodes.ExceptionHandler());
    cl.setParameterExceptionHandler(new ExitCodes.ParameterHandler());
    return cl.execute(args);
  }

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }
}
