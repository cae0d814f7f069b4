package dev.harness.config;

/** Fills an OpenAI-compatible engine's base URL and model from BASE_URL / MODEL_NAME when the config leaves them out. */
final class EnvDefaults {
  private EnvDefaults() {}

  static ExperimentConfig apply(ExperimentConfig c, Env env) {
    EngineConfig e = c.engine();
    if (!"openai".equals(e.kind())) return c;
    String baseUrl = e.baseUrl() != null || !e.baseUrls().isEmpty() ? e.baseUrl() : env.get("BASE_URL").orElse(null);
    String model = e.model() != null ? e.model() : env.get("MODEL_NAME").orElse(null);
    if (baseUrl == e.baseUrl() && model == e.model()) return c;
    EngineConfig filled = new EngineConfig(e.name(), e.kind(), model, e.adapter(), e.quantization(), e.dtype(),
        e.device(), baseUrl, e.baseUrls(), e.apiKeyEnv(), e.endpoint(), e.concurrency(), e.timeoutS(),
        e.maxRetries(), e.rateLimit(), e.stream(), e.tokenizer(), e.maxLength());
    return new ExperimentConfig(c.study(), c.output(), filled, c.dataset(), c.bins(), c.sampling(), c.kv(),
        c.generation(), c.scoring(), c.analysis());
  }
}
