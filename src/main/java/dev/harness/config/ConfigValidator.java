package dev.harness.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks the meaning of a config once its shape is right: allowed values, ranges, required fields per study. */
public final class ConfigValidator {
  public static final List<String> POLICIES = List.of("full", "snapkv", "streaming_llm", "h2o", "knorm", "random");
  public static final List<String> METRICS = List.of("em", "f1", "answer_loglik");
  public static final List<String> STRATEGIES = List.of("uniform", "pinned", "focus_transition");

  private ConfigValidator() {}

  public static void validate(ExperimentConfig c, String file) {
    if (c.study() == null) fail(file, "study", "required; expected one of " + StudyKind.ids());
    StudyKind kind = StudyKind.byId(c.study()).orElse(null);
    if (kind == null) fail(file, "study", "expected one of " + StudyKind.ids() + ", got '" + c.study() + "'");
    if (c.output() == null || c.output().expGroupId() == null || c.output().expGroupId().isBlank()) {
      fail(file, "output.exp_group_id", "required (the folder name under runs/)");
    }
    if (!c.output().expGroupId().matches("[A-Za-z0-9._-]+")) {
      fail(file, "output.exp_group_id", "expected letters, digits, '.', '_' or '-', got '" + c.output().expGroupId() + "'");
    }
    if (kind == StudyKind.KV_TRANSITION || c.engines().isEmpty()) {
      validateEngine(c.engine(), "engine", file);
    }
    if (!c.engines().isEmpty()) {
      java.util.Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < c.engines().size(); i++) {
        EngineConfig e = c.engines().get(i);
        validateEngine(e, "engines[" + i + "]", file);
        if (e.name() == null || !e.name().matches("[A-Za-z0-9._-]+")) {
          fail(file, "engines[" + i + "].name", "required: a variant name of letters, digits, '.', '_' or '-', got "
              + (e.name() == null ? "nothing" : "'" + e.name() + "'"));
        }
        if (!names.add(e.name())) fail(file, "engines[" + i + "].name", "duplicate variant name '" + e.name() + "'");
      }
    }
    kind.validate(c, file);
    CapabilityValidation.validate(c, file);
    GenerationConfig g = c.generation();
    if (g.maxTokens() < 1) fail(file, "generation.max_tokens", "expected an integer >= 1, got " + g.maxTokens());
    if (g.temperature() < 0) fail(file, "generation.temperature", "expected >= 0, got " + g.temperature());
    if (!(g.topP() > 0 && g.topP() <= 1)) fail(file, "generation.top_p", "expected a number in (0, 1], got " + g.topP());
    if (g.maxPromptTokens() != null && g.maxPromptTokens() < 2) {
      fail(file, "generation.max_prompt_tokens", "expected an integer >= 2, got " + g.maxPromptTokens());
    }
    AnalysisConfig a = c.analysis();
    if (a.bootstrapIters() < 100) fail(file, "analysis.bootstrap_iters", "expected an integer >= 100, got " + a.bootstrapIters());
    if (!(a.ci() > 0 && a.ci() < 1)) fail(file, "analysis.ci", "expected a number in (0, 1), got " + a.ci());
    double th = a.transition().threshold();
    if (!(th > 0 && th <= 1)) fail(file, "analysis.transition.threshold", "expected a number in (0, 1], got " + th);
    double alpha = a.transition().alpha();
    if (!(alpha > 0 && alpha < 1)) fail(file, "analysis.transition.alpha", "expected a number in (0, 1), got " + alpha);
    if (!TransitionConfig.FAMILIES.contains(a.transition().family())) {
      fail(file, "analysis.transition.family", "expected headline or all_metrics, got '" + a.transition().family() + "'");
    }
  }

  static void validateEngine(EngineConfig e, String path, String file) {
    if (!Set.of("local", "openai").contains(e.kind())) {
      fail(file, path + ".kind", "expected local or openai, got '" + e.kind() + "'");
    }
    if (e.model() == null || e.model().isBlank()) {
      fail(file, path + ".model", "required" + ("openai".equals(e.kind()) ? " (or MODEL_NAME in the environment / .env)" : " (a directory or a Hugging Face id)"));
    }
    if ("openai".equals(e.kind()) && e.baseUrl() == null && e.baseUrls().isEmpty()) {
      fail(file, path + ".base_url", "required for kind openai (or BASE_URL in the environment / .env)");
    }
    if (e.baseUrl() != null) checkUrl(e.baseUrl(), path + ".base_url", file);
    for (int i = 0; i < e.baseUrls().size(); i++) checkUrl(e.baseUrls().get(i), path + ".base_urls[" + i + "]", file);
    if (!Set.of("none", "nf4", "nf4_dq").contains(e.quantization())) {
      fail(file, path + ".quantization", "expected none, nf4 or nf4_dq, got '" + e.quantization() + "'");
    }
    if (!e.isLocal() && !"none".equals(e.quantization())) {
      fail(file, path + ".quantization", "only the local engine quantizes; remove it for kind openai");
    }
    if (e.loraMerge() && e.adapter() == null) fail(file, path + ".lora_merge", "is true but " + path + ".adapter is not set (nothing to merge)");
    if (e.loraMerge() && !"none".equals(e.quantization())) {
      fail(file, path + ".lora_merge", "cannot merge an adapter into NF4 weights; keep it unmerged (as QLoRA does)");
    }
    try {
      dev.harness.engine.local.ComputeType.checkSetting(e.dtype());
    } catch (IllegalArgumentException ex) {
      fail(file, path + ".dtype", ex.getMessage());
    }
    if (!Set.of("chat", "completions").contains(e.endpoint())) {
      fail(file, path + ".endpoint", "expected chat or completions, got '" + e.endpoint() + "'");
    }
    if (e.concurrency() < 1) fail(file, path + ".concurrency", "expected an integer >= 1, got " + e.concurrency());
    if (!(e.timeoutS() > 0)) fail(file, path + ".timeout_s", "expected a number > 0, got " + e.timeoutS());
    if (e.maxRetries() < 0) fail(file, path + ".max_retries", "expected an integer >= 0, got " + e.maxRetries());
    Integer rpm = e.rateLimit().maxRpm();
    if (rpm != null && rpm < 1) fail(file, path + ".rate_limit.max_rpm", "expected an integer >= 1 or null, got " + rpm);
    Double rps = e.rateLimit().maxRps();
    if (rps != null && !(rps > 0 && Double.isFinite(rps))) {
      fail(file, path + ".rate_limit.max_rps", "expected a number > 0 (requests per second) or null, got " + rps);
    }
    Integer burst = e.rateLimit().burst();
    if (burst != null && burst < 1) fail(file, path + ".rate_limit.burst", "expected an integer >= 1 or null, got " + burst);
    if (burst != null && rps == null && rpm == null) {
      fail(file, path + ".rate_limit.burst", "needs max_rps (or max_rpm) to set the token bucket's rate");
    }
  }

  /** An http(s) URL with a host, as the OpenAI client sends requests to it ({@code http://host:8000/v1}). */
  static void checkUrl(String url, String path, String file) {
    String what = "expected an http(s) URL such as http://127.0.0.1:8000/v1, got '" + url + "'";
    if (url == null || url.isBlank()) fail(file, path, what);
    java.net.URI u;
    try {
      u = new java.net.URI(url.strip());
    } catch (java.net.URISyntaxException ex) {
      fail(file, path, what + " (" + ex.getReason() + ")");
      return;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getHost().isEmpty()) {
      fail(file, path, what);
    }
    if (u.getPort() > 65535) fail(file, path, what + " (port out of range)");
  }

  static void validateKv(ExperimentConfig c, String file) {
    if (c.dataset() == null || c.dataset().source() == null || c.dataset().source().isBlank()) {
      fail(file, "dataset.source", "required: a local .jsonl/.json/.csv path or hf://THUDM/LongBench");
    }
    BinsConfig b = c.bins();
    if (b.edges() == null && b.count() < 1) fail(file, "bins.count", "expected an integer >= 1, got " + b.count());
    if (b.edges() != null) {
      if (b.edges().size() < 2) fail(file, "bins.edges", "expected at least two edges");
      for (int i = 1; i < b.edges().size(); i++) {
        if (b.edges().get(i) <= b.edges().get(i - 1)) {
          fail(file, "bins.edges[" + i + "]", "edges must be strictly increasing, got " + b.edges());
        }
      }
    }
    SamplingConfig s = c.sampling();
    if (!STRATEGIES.contains(s.strategy())) fail(file, "sampling.strategy", "expected one of " + STRATEGIES + ", got '" + s.strategy() + "'");
    if (s.nPerBin() < 1) fail(file, "sampling.n_per_bin", "expected an integer >= 1, got " + s.nPerBin());
    if ("pinned".equals(s.strategy()) && s.ids().isEmpty()) fail(file, "sampling.ids", "required (non-empty) when strategy is pinned");
    if (s.focusFactor() < 1) fail(file, "sampling.focus_factor", "expected an integer >= 1, got " + s.focusFactor());
    KvConfig kv = c.kv();
    if (!POLICIES.contains(kv.policy())) fail(file, "kv.policy", "expected one of " + POLICIES + ", got '" + kv.policy() + "'");
    if (dev.harness.engine.KvProtocol.byId(kv.protocol()) == null) {
      fail(file, "kv.protocol", "expected kvpress or full_prefill, got '" + kv.protocol() + "'");
    }
    if (kv.budgets().isEmpty()) fail(file, "kv.budgets", "expected a non-empty list of fractions in (0, 1]");
    try {
      dev.harness.engine.local.kv.KeptCount.of(kv.params());
    } catch (IllegalArgumentException e) {
      fail(file, "kv.params.rounding", "expected ceil or kvpress, got '" + kv.params().get("rounding") + "'");
    }
    for (int i = 0; i < kv.budgets().size(); i++) {
      Double v = kv.budgets().get(i);
      if (v == null || !(v > 0 && v <= 1)) fail(file, "kv.budgets[" + i + "]", "expected a fraction in (0, 1], got " + v);
    }
    if (kv.budgets().stream().distinct().count() != kv.budgets().size()) fail(file, "kv.budgets", "duplicate budgets in " + kv.budgets());
    for (Map.Entry<String, String> en : kv.baseUrls().entrySet()) {
      String key = en.getKey();
      double budget = Double.NaN;
      try {
        budget = Double.parseDouble(key);
      } catch (NumberFormatException e) {
        fail(file, "kv.base_urls." + key, "keys must be budgets (numbers)");
      }
      if (!(budget > 0 && budget <= 1)) fail(file, "kv.base_urls." + key, "keys must be budgets in (0, 1], got " + key);
      checkUrl(en.getValue(), "kv.base_urls." + key, file);
    }
    if (c.engine().isLocal()) {
      // the local engine's policies check their own parameters: ask them now, before anything is written
      try {
        dev.harness.engine.local.kv.KvPolicies.of(kv.policy(), kv.params());
      } catch (IllegalArgumentException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("param (\\w+)").matcher(String.valueOf(e.getMessage()));
        fail(file, m.find() ? "kv.params." + m.group(1) : "kv.params", e.getMessage());
      }
    } else {
      // answer_loglik on a server: CapabilityValidation (it names the missing CompressedLoglik capability)
      boolean compressed = kv.budgets().stream().anyMatch(x -> x != null && x < 1.0);
      if (compressed && kv.serverFields().isEmpty() && kv.baseUrls().isEmpty()) {
        fail(file, "kv", "budgets below 1.0 need kv.server_fields or kv.base_urls for an openai engine (otherwise the "
            + "server ignores the budget)");
      }
    }
    for (int i = 0; i < c.scoring().metrics().size(); i++) {
      String m = c.scoring().metrics().get(i);
      if (!METRICS.contains(m)) fail(file, "scoring.metrics[" + i + "]", "expected one of " + METRICS + ", got '" + m + "'");
    }
    String tm = c.analysis().transition().metric();
    if (!c.scoring().metrics().contains(tm)) {
      fail(file, "analysis.transition.metric", "'" + tm + "' is not among scoring.metrics " + c.scoring().metrics());
    }
  }

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
