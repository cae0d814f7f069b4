package dev.harness.engine;

import java.util.Locale;

/**
 * How a compressed request is evaluated (docs/kv-policies.md).
 *
 * <ul>
 *   <li>{@link #KVPRESS} (the default; NVIDIA kvpress's {@code KVPressTextGenerationPipeline}): the context is prefilled
 *       and compressed, then the question and every answer token go through the compressed cache, so the first answer
 *       token already depends on what was kept. With {@code query_aware} the question takes part in the scoring (it is
 *       prefilled with the context, SnapKV's observation window and H2O's accumulated attention see it), the kept
 *       positions are chosen among the context's only, and the question is then run again through the compressed
 *       cache.</li>
 *   <li>{@link #FULL_PREFILL} (the SnapKV paper's generation setting): with {@code query_aware} the whole prompt is
 *       prefilled with full attention and compressed afterwards, question included; the first answer token comes from
 *       that uncompressed prefill. Without {@code query_aware} it is the same as {@link #KVPRESS}.</li>
 * </ul>
 */
public enum KvProtocol {
  KVPRESS,
  FULL_PREFILL;

  /** The name configs and telemetry spell: {@code kvpress}, {@code full_prefill}. */
  public String id() { return name().toLowerCase(Locale.ROOT); }

  /** The protocol named {@code id}, or null when there is none of that name. */
  public static KvProtocol byId(String id) {
    for (KvProtocol p : values()) {
      if (p.id().equals(id)) return p;
    }
    return null;
  }
}
