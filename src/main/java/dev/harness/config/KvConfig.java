package dev.harness.config;

import java.util.List;
import java.util.Map;

/**
 * KV-cache compression: the policy, the budgets (fraction of context positions kept), policy parameters, whether the
 * question is inside the compressed prompt, and for HTTP engines how the budget reaches the server.
 */
public record KvConfig(
    String policy,
    List<Double> budgets,
    Map<String, Object> params,
    Boolean queryAware,
    Map<String, Object> serverFields,
    Map<String, String> baseUrls) {
  public KvConfig {
    policy = policy == null ? "snapkv" : policy;
    budgets = budgets == null ? List.of(1.0) : List.copyOf(budgets);
    params = params == null ? Map.of() : Map.copyOf(params);
    queryAware = queryAware == null || queryAware;
    serverFields = serverFields == null ? Map.of() : Map.copyOf(serverFields);
    baseUrls = baseUrls == null ? Map.of() : Map.copyOf(baseUrls);
  }
}
