package dev.harness.config;

/**
 * One engine: the in-process local engine or an OpenAI-compatible server. Secrets are never here: {@code api_key_env}
 * names the environment variable holding the key.
 */
public record EngineConfig(
    String name,
    String kind,
    String model,
    String adapter,
    String quantization,
    String dtype,
    String device,
    String baseUrl,
    java.util.List<String> baseUrls,
    String apiKeyEnv,
    String endpoint,
    Integer concurrency,
    Double timeoutS,
    Integer maxRetries,
    RateLimitConfig rateLimit,
    Boolean stream,
    String tokenizer,
    Integer maxLength,
    Boolean loraMerge) {

  public EngineConfig {
    kind = kind == null ? "local" : kind;
    quantization = quantization == null ? "none" : quantization;
    dtype = dtype == null ? "auto" : dtype; // resolved by DtypeDefaults when the config is loaded
    device = device == null ? "auto" : device;
    baseUrls = baseUrls == null ? java.util.List.of() : java.util.List.copyOf(baseUrls);
    apiKeyEnv = apiKeyEnv == null ? "OPENAI_API_KEY" : apiKeyEnv;
    endpoint = endpoint == null ? "chat" : endpoint;
    concurrency = concurrency == null ? 4 : concurrency;
    timeoutS = timeoutS == null ? 120.0 : timeoutS;
    maxRetries = maxRetries == null ? 5 : maxRetries;
    rateLimit = rateLimit == null ? new RateLimitConfig(null) : rateLimit;
    stream = stream != null && stream;
    loraMerge = loraMerge != null && loraMerge;
  }

  /** Without {@code lora_merge} (false: adapters are applied unmerged). */
  public EngineConfig(String name, String kind, String model, String adapter, String quantization, String dtype,
      String device, String baseUrl, java.util.List<String> baseUrls, String apiKeyEnv, String endpoint,
      Integer concurrency, Double timeoutS, Integer maxRetries, RateLimitConfig rateLimit, Boolean stream,
      String tokenizer, Integer maxLength) {
    this(name, kind, model, adapter, quantization, dtype, device, baseUrl, baseUrls, apiKeyEnv, endpoint, concurrency,
        timeoutS, maxRetries, rateLimit, stream, tokenizer, maxLength, null);
  }

  public boolean isLocal() { return "local".equals(kind); }

  /** The variant label used in unit keys and reports. */
  public String label() { return name != null ? name : (adapter == null ? "base" : "adapter"); }
}
