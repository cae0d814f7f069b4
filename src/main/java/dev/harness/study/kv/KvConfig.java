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
    params = params == null ? Map.of() : ordered(params);
    queryAware = queryAware == null || queryAware;
    serverFields = serverFields == null ? Map.of() : ordered(serverFields);
    baseUrls = baseUrls == null ? Map.of() : ordered(baseUrls);
    protocol = protocol == null ? DEFAULT_PROTOCOL : protocol;
  }

  /**
   * An unmodifiable copy in the config's own key order ({@code Map.copyOf} iterates in an order that changes from one
   * JVM run to the next, which made the report's KV policy line, its configuration section, {@code runs.config_json}
   * and the config hash differ between two runs of the same config).
   */
  private static <V> Map<String, V> ordered(Map<String, V> m) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
  }

  /** Every field at its default (a config with no {@code kv:} section). */
  public static KvConfig defaults() { return new KvConfig(null, null, null, null, null, null, null); }
}
