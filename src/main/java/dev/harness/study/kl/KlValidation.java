package dev.harness.study.kl;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.config.GenerationConfig;
import java.util.List;
import java.util.Locale;

/** Checks the kl study's sections once the config's shape is right. */
public final class KlValidation {
  static final List<String> ESTIMATORS = List.of("mc", "topk_rest", "topk_lookup", "text_mc");
  static final List<String> ALIGNMENTS = List.of("matched", "positional");
  /** OpenAI's and vLLM's default cap on top log-probs per position. */
  static final int MAX_TOP_LOGPROBS = 20;

  private KlValidation() {}

  public static void validate(ExperimentConfig c, String file) {
    PromptsConfig p = c.section(KlStudyConfig.class).prompts();
    if (p.source() == null || p.source().isBlank()) {
      fail(file, "prompts.source", "required: a local .jsonl/.json/.csv/.parquet file or hf://org/name/path/file.parquet (or .jsonl/.json/.csv)");
    }
    if (!p.source().startsWith("hf://")) {
      String lower = p.source().toLowerCase(Locale.ROOT);
      if (!(lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".csv") || lower.endsWith(".parquet"))) {
        fail(file, "prompts.source", "expected a .jsonl, .json, .csv or .parquet file or hf://org/name/path, got '" + p.source() + "'");
      }
    }
    if (p.field().isBlank()) fail(file, "prompts.field", "expected the name of the record field holding the prompt");
    if (p.idField() != null && p.idField().isBlank()) fail(file, "prompts.id_field", "expected a field name or nothing");
    if (p.limit() != null && p.limit() < 1) fail(file, "prompts.limit", "expected an integer >= 1, got " + p.limit());
    if (p.n() != null && p.n() < 1) fail(file, "prompts.n", "expected an integer >= 1, got " + p.n());

    if (c.engines().size() < 2) {
      fail(file, "engines", "the kl study compares two or more named variants (engines: [{name: a, ...}, {name: b, ...}]),"
          + " got " + c.engines().size());
    }
    KlConfig k = c.section(KlStudyConfig.class).kl();
    if (k.samples() < 1) fail(file, "kl.samples", "expected an integer >= 1, got " + k.samples());
    if (!ESTIMATORS.contains(k.estimator())) {
      fail(file, "kl.estimator", "expected one of " + ESTIMATORS + ", got '" + k.estimator() + "'");
    }
    if (k.topLogprobs() < 0 || k.topLogprobs() > MAX_TOP_LOGPROBS) {
      fail(file, "kl.top_logprobs", "expected an integer in 0.." + MAX_TOP_LOGPROBS + ", got " + k.topLogprobs());
    }
    boolean sampled = "mc".equals(k.estimator()) || "text_mc".equals(k.estimator());
    if (!sampled && k.topLogprobs() < 1) {
      fail(file, "kl.top_logprobs", "estimator " + k.estimator() + " reads the top-k: expected 1.." + MAX_TOP_LOGPROBS
          + ", got 0");
    }
    if (k.topN() < 1) fail(file, "kl.top_n", "expected an integer >= 1, got " + k.topN());
    if (!(k.minCoverage() >= 0 && k.minCoverage() <= 1)) {
      fail(file, "kl.min_coverage", "expected a number in [0, 1], got " + k.minCoverage());
    }
    if (!ALIGNMENTS.contains(k.alignment())) {
      fail(file, "kl.alignment", "expected one of " + ALIGNMENTS + ", got '" + k.alignment() + "'");
    }
    List<String> names = c.engines().stream().map(EngineConfig::name).toList();
    if (!k.pair().isEmpty()) {
      if (k.pair().size() != 2) fail(file, "kl.pair", "expected two variant names [A, B], got " + k.pair());
      for (int i = 0; i < 2; i++) {
        if (!names.contains(k.pair().get(i))) {
          fail(file, "kl.pair[" + i + "]", "'" + k.pair().get(i) + "' is not among the engines' names " + names);
        }
      }
      if (k.pair().get(0).equals(k.pair().get(1))) fail(file, "kl.pair", "the two variants must differ, got " + k.pair());
    }
    if (sampled) {
      GenerationConfig g = c.generation();
      if (g.temperature() != 1.0) {
        fail(file, "generation.temperature", "estimator " + k.estimator() + " needs samples from the models' own distributions:"
            + " expected 1.0, got " + g.temperature() + " (or choose kl.estimator topk_rest)");
      }
      if (g.topP() != 1.0) {
        fail(file, "generation.top_p", "estimator " + k.estimator() + " needs untruncated sampling: expected 1.0, got " + g.topP());
      }
      for (int i = 0; i < c.engines().size(); i++) {
        EngineConfig e = c.engines().get(i);
        boolean inPair = k.pair().isEmpty() ? i < 2 : k.pair().contains(e.name());
        if (inPair && !e.isLocal() && !"completions".equals(e.endpoint())) {
          fail(file, "engines[" + i + "].endpoint", "estimator " + k.estimator() + " scores the other model's samples by completions echo"
              + " over HTTP, which needs the same raw-text prompt as sampling: expected completions, got " + e.endpoint());
        }
      }
    }
  }

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
