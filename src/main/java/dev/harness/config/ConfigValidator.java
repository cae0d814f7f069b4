package dev.harness.config;

import java.util.Set;

/** Checks the meaning of a config once its shape is right: allowed values, ranges, required fields per study. */
public final class ConfigValidator {
  private ConfigValidator() {}

  /**
   * The common sections' checks, then the study's own ({@link StudySection#validate}: the checks live in the study's
   * package, beside its sections).
   */
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
    c.section().validate(c, file);
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
  public static void checkUrl(String url, String path, String file) {
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

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
