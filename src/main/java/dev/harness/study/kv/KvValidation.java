package dev.harness.study.kv;

import dev.harness.config.CapabilityValidation;
import dev.harness.config.ConfigException;
import dev.harness.config.ConfigValidator;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.CompressedLoglik;
import java.util.List;
import java.util.Map;

/**
 * Checks the kv_transition study's sections ({@code dataset}, {@code bins}, {@code sampling}, {@code kv},
 * {@code scoring}, and {@code analysis.transition.metric} against them) once the config's shape is right; run by
 * {@code ConfigLoader} before anything is written. The local engine's policies check their own parameters here.
 */
public final class KvValidation {
  public static final List<String> POLICIES = List.of("full", "snapkv", "streaming_llm", "h2o", "knorm", "random");
  public static final List<String> METRICS = List.of("em", "f1", "answer_loglik");
  public static final List<String> STRATEGIES = List.of("uniform", "pinned", "focus_transition");

  private KvValidation() {}

  public static void validate(ExperimentConfig c, String file) {
    if (c.section(KvStudyConfig.class).dataset() == null || c.section(KvStudyConfig.class).dataset().source() == null || c.section(KvStudyConfig.class).dataset().source().isBlank()) {
      fail(file, "dataset.source", "required: a local .jsonl/.json/.csv path or hf://THUDM/LongBench");
    }
    BinsConfig b = c.section(KvStudyConfig.class).bins();
    if (b.edges() == null && b.count() < 1) fail(file, "bins.count", "expected an integer >= 1, got " + b.count());
    if (b.edges() != null) {
      if (b.edges().size() < 2) fail(file, "bins.edges", "expected at least two edges");
      for (int i = 1; i < b.edges().size(); i++) {
        if (b.edges().get(i) <= b.edges().get(i - 1)) {
          fail(file, "bins.edges[" + i + "]", "edges must be strictly increasing, got " + b.edges());
        }
      }
    }
    SamplingConfig s = c.section(KvStudyConfig.class).sampling();
    if (!STRATEGIES.contains(s.strategy())) fail(file, "sampling.strategy", "expected one of " + STRATEGIES + ", got '" + s.strategy() + "'");
    if (s.nPerBin() < 1) fail(file, "sampling.n_per_bin", "expected an integer >= 1, got " + s.nPerBin());
    if ("pinned".equals(s.strategy()) && s.ids().isEmpty()) fail(file, "sampling.ids", "required (non-empty) when strategy is pinned");
    if (s.focusFactor() < 1) fail(file, "sampling.focus_factor", "expected an integer >= 1, got " + s.focusFactor());
    KvConfig kv = c.section(KvStudyConfig.class).kv();
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
      ConfigValidator.checkUrl(en.getValue(), "kv.base_urls." + key, file);
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
    for (int i = 0; i < c.section(KvStudyConfig.class).scoring().metrics().size(); i++) {
      String m = c.section(KvStudyConfig.class).scoring().metrics().get(i);
      if (!METRICS.contains(m)) fail(file, "scoring.metrics[" + i + "]", "expected one of " + METRICS + ", got '" + m + "'");
    }
    String tm = c.analysis().transition().metric();
    if (!c.section(KvStudyConfig.class).scoring().metrics().contains(tm)) {
      fail(file, "analysis.transition.metric", "'" + tm + "' is not among scoring.metrics " + c.section(KvStudyConfig.class).scoring().metrics());
    }
    if (c.section(KvStudyConfig.class).scoring().metrics().contains("answer_loglik")) {
      CapabilityValidation.require(c.engine(), "engine", CompressedLoglik.class, "scoring.metrics", "answer_loglik",
          file);
    }
  }

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
