package dev.harness.engine.openai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything {@link OpenAiEngine} needs, already resolved by the config layer (which reads env / .env).
 *
 * <ul>
 *   <li>{@code baseUrls}: one or more replicas ({@code http://host:8000/v1}); requests go to the replica with the fewest
 *       calls in flight, ties broken round-robin.
 *   <li>{@code apiKey}: may be null or blank (local servers). Never logged; {@link #toString()} redacts it.
 *   <li>{@code endpoint}: {@code chat} or {@code completions}.
 *   <li>{@code rateLimit}: client-side limit on requests put on the wire (sliding-minute cap and/or token bucket, see
 *       {@link RateLimitSpec}); never null ({@link RateLimitSpec#NONE}).
 *   <li>{@code serverFields}: extra body fields sent with requests that carry a {@code KvSpec}; string values are
 *       templates over {@code {budget}}, {@code {budget_tokens}} and {@code {policy}} (see {@link ServerFieldTemplate}).
 *   <li>{@code budgetBaseUrls}: KV budget → base URL of a server started with that budget.
 *   <li>{@code contextTokens}: fallback prompt length for {@code {budget_tokens}} when the prompt length is unknown.
 *   <li>{@code jitterSeed}: seed of the backoff jitter.
 * </ul>
 */
public record OpenAiSettings(
    List<String> baseUrls,
    String model,
    String apiKey,
    String endpoint,
    int concurrency,
    double timeoutSeconds,
    int maxRetries,
    RateLimitSpec rateLimit,
    boolean stream,
    Map<String, Object> serverFields,
    Map<Double, String> budgetBaseUrls,
    Integer contextTokens,
    long jitterSeed) {

  public static final String CHAT = "chat";
  public static final String COMPLETIONS = "completions";

  public OpenAiSettings {
    if (baseUrls == null || baseUrls.isEmpty()) throw new IllegalArgumentException("engine.base_url: at least one base URL is required");
    List<String> urls = new ArrayList<>();
    for (String u : baseUrls) urls.add(normalizeUrl(u, "engine.base_url"));
    baseUrls = List.copyOf(urls);
    if (model == null || model.isBlank()) throw new IllegalArgumentException("engine.model: a model name is required");
    endpoint = endpoint == null ? CHAT : endpoint;
    if (!endpoint.equals(CHAT) && !endpoint.equals(COMPLETIONS)) {
      throw new IllegalArgumentException("engine.endpoint: expected chat or completions, got " + endpoint);
    }
    if (concurrency < 1) throw new IllegalArgumentException("engine.concurrency: must be >= 1, got " + concurrency);
    if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("engine.timeout_s: must be > 0, got " + timeoutSeconds);
    if (maxRetries < 0) throw new IllegalArgumentException("engine.max_retries: must be >= 0, got " + maxRetries);
    rateLimit = rateLimit == null ? RateLimitSpec.NONE : rateLimit;
    if (contextTokens != null && contextTokens < 1) throw new IllegalArgumentException("kv.context_tokens: must be >= 1, got " + contextTokens);
    serverFields = serverFields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(serverFields));
    Map<Double, String> byBudget = new TreeMap<>();
    if (budgetBaseUrls != null) {
      budgetBaseUrls.forEach((b, u) -> {
        if (b == null || !(b > 0 && b <= 1)) throw new IllegalArgumentException("kv.base_urls: budget must be in (0, 1], got " + b);
        byBudget.put(b, normalizeUrl(u, "kv.base_urls." + b));
      });
    }
    budgetBaseUrls = Collections.unmodifiableMap(byBudget);
  }

  /** Maximum requests per sliding minute, or null. */
  public Integer maxRpm() { return rateLimit.maxRpm(); }

  /** Defaults: chat endpoint, concurrency 4, 120 s timeout, 5 retries, no rate limit, no streaming, no KV mapping. */
  public static OpenAiSettings of(String baseUrl, String model, String apiKey) {
    return new OpenAiSettings(List.of(baseUrl), model, apiKey, CHAT, 4, 120, 5, RateLimitSpec.NONE, false, Map.of(), Map.of(), null, 0L);
  }

  private static String normalizeUrl(String u, String field) {
    if (u == null || u.isBlank()) throw new IllegalArgumentException(field + ": empty base URL");
    String s = u.strip();
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException(field + ": expected an http(s) URL, got " + s);
    }
    return s;
  }

  public boolean hasApiKey() { return apiKey != null && !apiKey.isBlank(); }

  /** True when requests with a KV budget can be served (server fields or per-budget base URLs configured). */
  public boolean supportsKv() { return !serverFields.isEmpty() || !budgetBaseUrls.isEmpty(); }

  public OpenAiSettings withBaseUrls(List<String> v) { return new OpenAiSettings(v, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withEndpoint(String v) { return new OpenAiSettings(baseUrls, model, apiKey, v, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withConcurrency(int v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, v, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withTimeoutSeconds(double v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, v, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withMaxRetries(int v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, v, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withMaxRpm(Integer v) { return withRateLimit(new RateLimitSpec(v, rateLimit.maxRps(), rateLimit.burst())); }
  public OpenAiSettings withRateLimit(RateLimitSpec v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, v, stream, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withStream(boolean v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, v, serverFields, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withServerFields(Map<String, Object> v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, v, budgetBaseUrls, contextTokens, jitterSeed); }
  public OpenAiSettings withBudgetBaseUrls(Map<Double, String> v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, v, contextTokens, jitterSeed); }
  public OpenAiSettings withContextTokens(Integer v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, v, jitterSeed); }
  public OpenAiSettings withJitterSeed(long v) { return new OpenAiSettings(baseUrls, model, apiKey, endpoint, concurrency, timeoutSeconds, maxRetries, rateLimit, stream, serverFields, budgetBaseUrls, contextTokens, v); }

  /** The API key is redacted. */
  @Override
  public String toString() {
    return "OpenAiSettings[baseUrls=" + baseUrls + ", model=" + model + ", apiKey=" + (hasApiKey() ? "***" : "<none>")
        + ", endpoint=" + endpoint + ", concurrency=" + concurrency + ", timeoutSeconds=" + timeoutSeconds
        + ", maxRetries=" + maxRetries + ", rateLimit=" + rateLimit + ", stream=" + stream + ", serverFields=" + serverFields
        + ", budgetBaseUrls=" + budgetBaseUrls + ", contextTokens=" + contextTokens + ", jitterSeed=" + jitterSeed + "]";
  }
}
