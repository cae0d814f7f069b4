package dev.harness.study.kv;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.KvDataTables;
import dev.harness.study.Json;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides one kv_transition unit's output: the engine (kind, model, adapter, quantization, dtype,
 * merge mode, endpoint, base URLs, tokenizer, max length), the prompt (hash of the item's context and input), every
 * generation parameter, the KV policy, its parameters, query awareness, the evaluation protocol (kvpress or
 * full_prefill; at budget 1.0 nothing is compressed and both give the same output), server fields and the budget, and whether
 * answer log-likelihoods are scored with the unit. Its {@link dev.harness.study.UnitIdentity#hash} is in the unit key.
 */
record KvUnitIdentity(String engineKind, String model, String adapter, String quantization, String dtype,
    boolean loraMerge, String endpoint, String baseUrl, List<String> baseUrls, String tokenizer, Integer maxLength,
    String promptSha256, int maxTokens, Double temperature, Double topP, Long seed, Integer maxPromptTokens,
    String kvPolicy, Map<String, Object> kvParams, boolean queryAware, Map<String, Object> serverFields,
    Map<String, String> kvBaseUrls, double budget, boolean answerLoglik, String kvProtocol) {

  static KvUnitIdentity of(ExperimentConfig c, KvDataTables.PreparedItem item, double budget) {
    EngineConfig e = c.engine();
    var g = c.generation();
    return new KvUnitIdentity(e.kind(), e.model(), e.adapter(), e.quantization(), e.dtype(), e.loraMerge(),
        e.endpoint(), e.baseUrl(), e.baseUrls(), e.tokenizer(), e.maxLength(),
        Json.sha256(item.context() + "\u0000" + item.input()), g.maxTokens(), g.temperature(), g.topP(),
        g.seed(), g.maxPromptTokens(),
        budget >= 1.0 ? "full" : c.kv().policy(),
        budget >= 1.0 ? Map.of() : new java.util.TreeMap<>(c.kv().params()), budget < 1.0 && c.kv().queryAware(),
        new java.util.TreeMap<>(c.kv().serverFields()), new java.util.TreeMap<>(c.kv().baseUrls()), budget,
        KvRun.wantsAnswerLoglik(c), budget >= 1.0 ? null : c.kv().protocol());
  }
}
