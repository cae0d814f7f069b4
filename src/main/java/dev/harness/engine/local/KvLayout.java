package dev.harness.engine.local;

import dev.harness.engine.KvProtocol;
import dev.harness.engine.KvSpec;

/**
 * Which prompt tokens a compressed request prefills, scores and keeps: the context is ids [0, contextEnd) (the
 * positions a policy may keep), ids [0, scoredEnd) are prefilled before compression (the policy's scores see them),
 * and everything from contextEnd on runs through the compressed cache.
 *
 * <table>
 *   <caption>By protocol and query awareness (q = where the question starts, n = prompt length)</caption>
 *   <tr><th></th><th>contextEnd</th><th>scoredEnd</th></tr>
 *   <tr><td>kvpress, query-aware</td><td>q</td><td>n (the question is scored, then rerun)</td></tr>
 *   <tr><td>either, not query-aware</td><td>q</td><td>q</td></tr>
 *   <tr><td>full_prefill, query-aware</td><td>n</td><td>n (the question is compressed with the context)</td></tr>
 *   <tr><td>no question (no protected suffix)</td><td>n</td><td>n</td></tr>
 * </table>
 */
record KvLayout(int contextEnd, int scoredEnd) {

  static KvLayout of(KvSpec kv, int promptLength, int questionStart) {
    int q = Math.max(0, Math.min(questionStart, promptLength));
    if (!kv.queryAware()) return new KvLayout(q, q);
    if (kv.protocol() == KvProtocol.KVPRESS) return new KvLayout(q, promptLength);
    return new KvLayout(promptLength, promptLength);
  }
}
