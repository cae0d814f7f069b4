package dev.harness.study.kv;

/** The one sentence the report says about how compressed units were evaluated (docs/kv-policies.md). */
final class KvProtocolSentence {
  private KvProtocolSentence() {}

  static String of(String protocol, boolean queryAware) {
    if ("full_prefill".equals(protocol)) {
      return queryAware
          ? "full_prefill (SnapKV paper): the whole prompt, question included, was prefilled with full attention and "
              + "compressed afterwards; the first answer token came from that uncompressed prefill."
          : "full_prefill, query-agnostic: the context was prefilled and compressed, then the question and every "
              + "answer token ran through the compressed cache (the same as kvpress).";
    }
    return queryAware
        ? "kvpress: the context was compressed with the question taking part in the scoring (observation window / "
            + "accumulated attention), then the question and every answer token ran through the compressed cache."
        : "kvpress, query-agnostic: the context was prefilled and compressed without the question, then the question "
            + "and every answer token ran through the compressed cache.";
  }
}
