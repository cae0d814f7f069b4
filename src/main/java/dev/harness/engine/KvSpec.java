package dev.harness.engine;

import java.util.Map;

/**
 * The KV-cache compression asked for one request: a policy, the fraction of context positions kept, the policy's
 * parameters, and whether compression sees the question ({@code queryAware}). When not query-aware, the trailing
 * {@code protectedSuffix} of the prompt text (the question) is appended after compression, uncompressed.
 */
public record KvSpec(String policy, double budget, Map<String, Object> params, boolean queryAware, String protectedSuffix) {

  public KvSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    if (!(budget > 0.0 && budget <= 1.0)) {
      throw new IllegalArgumentException("KV budget must be in (0, 1], got " + budget);
    }
  }

  public static KvSpec full() { return new KvSpec("full", 1.0, Map.of(), true, null); }

  /** kvpress's compression_ratio = 1 - budget. */
  public double compressionRatio() { return 1.0 - budget; }

  /** Positions kept out of {@code length}: ceil(budget × length), or kvpress's count with {@code params.rounding: kvpress}. */
  public int keptPositions(int length) { return dev.harness.engine.local.kv.KeptCount.of(params).kept(budget, length); }
}
