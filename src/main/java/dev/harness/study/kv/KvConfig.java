package dev.harness.study.kv;

import java.util.List;
import java.util.Map;

/**
 * KV-cache compression: the policy, the budgets (fraction of context positions kept), policy parameters, whether the
 * question takes part in the scoring, for HTTP engines how the budget reaches the server, and the evaluation
 * protocol ({@code kvpress}, the default, or {@code full_prefill}: see {@link dev.harness.engine.KvProtocol}).
 */
public record KvConfig(
    String policy,
    List<Double> budgets,
    Map<String, Object> params,
    Boolean queryAware,
    Map<String, Object> serverFields,
    Map<String, String> baseUrls,
    String protocol) {
  public static final String DEFAULT_PROTOCOL = "kvpress";

  public KvConfig {
    policy = policy == null ? "snapkv" : policy;
    budgets = budgets == null ? List.of(1.0) : List.copyOf(budgets);
    params = params == null ? Map.of() : Map.copyOf(params);
    queryAware = queryAware == null || queryAware;
    serverFields = serverFields == null ? Map.of() : Map.copyOf(serverFields);
    baseUrls = baseUrls == null ? Map.of() : Map.copyOf(baseUrls);
    protocol = protocol == null ? DEFAULT_PROTOCOL : protocol;
  }

  /** Every field at its default (a config with no {@code kv:} section). */
  public static KvConfig defaults() { return new KvConfig(null, null, null, null, null, null, null); }
}
