package dev.harness.config;

import dev.harness.engine.local.ComputeType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Resolves {@code dtype: auto} (the default) once the config is read, before anything hashes or records it: a local
 * engine gets {@link ComputeType#auto} of its device (float16 on CUDA, float32 on the CPU); an OpenAI-compatible engine,
 * which computes nothing here, gets float32, the value every config had before {@code auto} existed. So on a CPU the
 * unit keys, phase fingerprints, config snapshots and reports of a config without {@code dtype} are what they were.
 */
final class DtypeDefaults {
  private DtypeDefaults() {}

  /** {@code cuda}: whether a local engine's device setting (auto, cpu, gpu) means a CUDA device here. */
  static ExperimentConfig apply(ExperimentConfig c, Predicate<String> cuda) {
    EngineConfig engine = resolve(c.engine(), cuda);
    List<EngineConfig> engines = new ArrayList<>();
    boolean changed = engine != c.engine();
    for (EngineConfig e : c.engines()) {
      EngineConfig r = resolve(e, cuda);
      changed |= r != e;
      engines.add(r);
    }
    return changed ? c.withEngines(engine, engines) : c;
  }

  static EngineConfig resolve(EngineConfig e, Predicate<String> cuda) {
    if (!ComputeType.AUTO.equals(e.dtype())) return e;
    String dtype = ComputeType.auto(e.isLocal() && cuda.test(e.device())).key();
    return new EngineConfig(e.name(), e.kind(), e.model(), e.adapter(), e.quantization(), dtype,
        e.device(), e.baseUrl(), e.baseUrls(), e.apiKeyEnv(), e.endpoint(), e.concurrency(), e.timeoutS(),
        e.maxRetries(), e.rateLimit(), e.stream(), e.tokenizer(), e.maxLength(), e.loraMerge());
  }
}
