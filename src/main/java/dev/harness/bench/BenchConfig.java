package dev.harness.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What to benchmark and how.
 *
 * @param model a model directory or Hugging Face id; null generates a random checkpoint of {@code shape}
 * @param keep where to write the generated checkpoint and leave it; null: a temporary directory, deleted afterwards
 * @param threads libtorch intra-op threads; null leaves DJL's default
 * @param dtype float32 or float16 (engine and machine probes alike)
 * @param device auto, cpu or gpu
 * @param stages extra measurements after the baseline (e.g. {@link KvBenchStage} for --kv)
 */
public record BenchConfig(String model, BenchShape shape, long seed, int prefillTokens, int decodeTokens, int repeats,
    Integer threads, String dtype, String device, Path keep, MachineProbe.Sizes probeSizes, List<BenchStage> stages) {

  public BenchConfig {
    stages = stages == null ? List.of() : List.copyOf(stages);
    if (prefillTokens < 1) throw new IllegalArgumentException("--prefill-tokens: expected >= 1, got " + prefillTokens);
    if (decodeTokens < 2) throw new IllegalArgumentException("--decode-tokens: expected >= 2, got " + decodeTokens);
    if (repeats < 1) throw new IllegalArgumentException("--repeats: expected >= 1, got " + repeats);
    if (threads != null && threads < 1) throw new IllegalArgumentException("--threads: expected >= 1, got " + threads);
  }

  /** The defaults: generated bench shape, 512 prefill tokens, 64 decode tokens, 3 runs each. */
  public static BenchConfig defaults() {
    return new BenchConfig(null, BenchShape.bench(), 0, 512, 64, 3, null, "float32", "auto", null,
        MachineProbe.Sizes.full(), List.of());
  }
}
