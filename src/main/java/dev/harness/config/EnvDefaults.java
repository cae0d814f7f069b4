package dev.harness.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Fills an OpenAI-compatible engine's base URL and model from the environment when the config leaves them out: base URL
 * from {@code BASE_URL}, else {@code OPENAI_BASE_URL} (the official SDKs' variable; BASE_URL, the harness's own, wins
 * when both are set); model from {@code MODEL_NAME}.
 */
final class EnvDefaults {
  private EnvDefaults() {}

  static ExperimentConfig apply(ExperimentConfig c, Env env) {
    EngineConfig engine = fill(c.engine(), env);
    List<EngineConfig> engines = new ArrayList<>();
    boolean changed = engine != c.engine();
    for (EngineConfig e : c.engines()) {
      EngineConfig f = fill(e, env);
      changed |= f != e;
      engines.add(f);
    }
    return changed ? c.withEngines(engine, engines) : c;
  }

  private static EngineConfig fill(EngineConfig e, Env env) {
    if (!"openai".equals(e.kind())) return e;
    String baseUrl = e.baseUrl() != null || !e.baseUrls().isEmpty() ? e.baseUrl() : env.get("BASE_URL").or(() -> env.get("OPENAI_BASE_URL")).orElse(null);
    String model = e.model() != null ? e.model() : env.get("MODEL_NAME").orElse(null);
    if (baseUrl == e.baseUrl() && model == e.model()) return e;
    return new EngineConfig(e.name(), e.kind(), model, e.adapter(), e.quantization(), e.dtype(),
        e.device(), baseUrl, e.baseUrls(), e.apiKeyEnv(), e.endpoint(), e.concurrency(), e.timeoutS(),
        e.maxRetries(), e.rateLimit(), e.stream(), e.tokenizer(), e.maxLength(), e.loraMerge());
  }
}
