package dev.harness.study;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.Env;
import dev.harness.engine.Engine;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.openai.OpenAiEngine;
import dev.harness.engine.openai.OpenAiSettings;
import dev.harness.engine.openai.RateLimitSpec;
import dev.harness.study.kv.KvConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Opens the engine a config names: the in-process local engine or an OpenAI-compatible client. */
public final class DefaultEngineFactory implements EngineFactory {
  private final Env env;
  private final Map<String, Optional<Tokenizer>> tokenizers = new LinkedHashMap<>();
  private final SharedLocalBases localBases = new SharedLocalBases();

  public DefaultEngineFactory(Env env) { this.env = env; }

  @Override
  public Engine open(EngineConfig e, KvConfig kv, String configPath) {
    if (e.isLocal()) return localBases.open(e, configPath);
    return new OpenAiEngine(openAiSettings(e, kv, configPath), dev.harness.engine.openai.Sleeper.REAL,
        Clock.systemUTC(), System::nanoTime, tokenizer(e, configPath).orElse(null));
  }

  OpenAiSettings openAiSettings(EngineConfig e, KvConfig kv, String configPath) {
    List<String> urls = new ArrayList<>(e.baseUrls());
    if (e.baseUrl() != null) urls.add(0, e.baseUrl());
    String key = env.get(e.apiKeyEnv()).orElse(null);
    Map<Double, String> perBudget = new LinkedHashMap<>();
    kv.baseUrls().forEach((b, url) -> perBudget.put(Double.parseDouble(b), url));
    try {
      return OpenAiSettings.of(urls.get(0), e.model(), key)
          .withBaseUrls(urls)
          .withEndpoint(e.endpoint())
          .withConcurrency(e.concurrency())
          .withTimeoutSeconds(e.timeoutS())
          .withMaxRetries(e.maxRetries())
          .withRateLimit(new RateLimitSpec(e.rateLimit().maxRpm(), e.rateLimit().maxRps(), e.rateLimit().burst()))
          .withStream(e.stream())
          .withServerFields(kv.serverFields())
          .withBudgetBaseUrls(perBudget)
          .withContextTokens(e.maxLength());
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(configPath, "engine", ex.getMessage());
    }
  }

  @Override
  public synchronized Optional<Tokenizer> tokenizer(EngineConfig e, String configPath) {
    String source = e.isLocal() ? e.model() : e.tokenizer();
    if (source == null) return Optional.empty();
    return tokenizers.computeIfAbsent(source, s -> Optional.of(LocalEngines.tokenizer(s, configPath,
        e.isLocal() ? "engine.model" : "engine.tokenizer")));
  }
}
