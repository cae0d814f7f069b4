package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import java.util.Map;

/**
 * Everything that decides one kv_transition unit's output: the engine ({@link EngineIdentity}: kind, model plus its
 * checkpoint content hash, adapter plus the hash of its config and weights, quantization, dtype, merge mode, endpoint,
 * base URLs, tokenizer, max length — as in the other studies), the prompt (hash of the item's context and input), every
 * generation parameter, the KV policy, its parameters, query awareness, the evaluation protocol (kvpress or
 * full_prefill; at budget 1.0 nothing is compressed and both give the same output), server fields and the budget, and whether
 * answer log-likelihoods are scored with the unit. Its {@link dev.harness.study.UnitIdentity#hash} is in the unit key.
 */
record KvUnitIdentity(EngineIdentity engine,
    String promptSha256, int maxTokens, Double temperature, Double topP, Long seed, Integer maxPromptTokens,
    String kvPolicy, Map<String, Object> kvParams, boolean queryAware, Map<String, Object> serverFields,
    Map<String, String> kvBaseUrls, double budget, boolean answerLoglik, String kvProtocol) {

  static KvUnitIdentity of(ExperimentConfig c, KvDataTables.PreparedItem item, double budget) {
    var g = c.generation();
    return new KvUnitIdentity(EngineIdentity.of(c.engine()),
        Json.sha256(item.context() + "\u0000" + item.input()), g.maxTokens(), g.temperature(), g.topP(),
        g.seed(), g.maxPromptTokens(),
        budget >= 1.0 ? "full" : c.section(KvStudyConfig.class).kv().policy(),
        budget >= 1.0 ? Map.of() : new java.util.TreeMap<>(c.section(KvStudyConfig.class).kv().params()), budget < 1.0 && c.section(KvStudyConfig.class).kv().queryAware(),
        new java.util.TreeMap<>(c.section(KvStudyConfig.class).kv().serverFields()), new java.util.TreeMap<>(c.section(KvStudyConfig.class).kv().baseUrls()), budget,
        KvRun.wantsAnswerLoglik(c), budget >= 1.0 ? null : c.section(KvStudyConfig.class).kv().protocol());
  }
}
