package dev.harness.engine;

import java.util.Map;

/**
 * The KV-cache compression asked for one request: a policy, the fraction of context positions kept, the policy's
 * parameters, whether the question takes part in the scoring ({@code queryAware}), the question itself
 * ({@code protectedSuffix}: the trailing part of the prompt text after the context; null when the prompt has no
 * separate question) and the evaluation {@link KvProtocol}. The question is never compressed: under
 * {@link KvProtocol#KVPRESS} it runs through the compressed cache after the context; when not query-aware it is
 * appended after compression under either protocol.
 */
public record KvSpec(String policy, double budget, Map<String, Object> params, boolean queryAware, String protectedSuffix,
    KvProtocol protocol) {

  /** A spec under the default protocol, {@link KvProtocol#KVPRESS}. */
  public KvSpec(String policy, double budget, Map<String, Object> params, boolean queryAware, String protectedSuffix) {
    this(policy, budget, params, queryAware, protectedSuffix, KvProtocol.KVPRESS);
  }

  public KvSpec {
    params = params == null ? Map.of() : Map.copyOf(params);
    protocol = protocol == null ? KvProtocol.KVPRESS : protocol;
    if (!(budget > 0.0 && budget <= 1.0)) {
      throw new IllegalArgumentException("KV budget must be in (0, 1], got " + budget);
    }
  }

  public static KvSpec full() { return new KvSpec("full", 1.0, Map.of(), true, null); }

  public KvSpec withProtocol(KvProtocol p) { return new KvSpec(policy, budget, params, queryAware, protectedSuffix, p); }

  /** Whether the question (when there is one) is scored with the context and then rerun through the compressed cache. */
  public boolean questionRerun() { return protocol == KvProtocol.KVPRESS && queryAware && protectedSuffix != null && !protectedSuffix.isBlank(); }

  /** kvpress's compression_ratio = 1 - budget. */
  public double compressionRatio() { return 1.0 - budget; }

  /** Positions kept out of {@code length}: ceil(budget × length), or kvpress's count with {@code params.rounding: kvpress}. */
  public int keptPositions(int length) { return dev.harness.engine.local.kv.KeptCount.of(params).kept(budget, length); }
}
