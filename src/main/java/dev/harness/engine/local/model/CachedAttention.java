package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.LayerCache;
import dev.harness.engine.local.kv.PrefillCapture;

/**
 * The cache-dependent middle of a decoder layer, so that one layer body serves the single-sequence and the batched
 * forward pass ({@link DecoderModel}): append the layer's new keys and values to the cache, then attend over it.
 * {@link #sequence} runs one sequence through its {@link KvCache} (with the compression policies' prefill capture);
 * {@link #batch} runs B padded sequences through a {@link BatchKvCache}.
 */
interface CachedAttention {

  /**
   * Attention of the {@code n} new rows of layer {@code layer}: q [n, heads, d], k and v [n, kvHeads, d] (q and k
   * already position-encoded), n = B·T sequence-major. Returns [n, heads·d]. Closes what it creates but not its inputs.
   */
  NDArray attend(NDManager step, int layer, NDArray q, NDArray k, NDArray v);

  /**
   * One sequence: new tokens at {@code positions}, {@code mask} [group·T, past+T] or null (see
   * {@link Ops#causalMask}); GQA by {@link Ops#attention}.
   */
  static CachedAttention sequence(KvCache cache, int[] positions, NDArray mask, int heads, int kvHeads) {
    return (step, index, q, k, v) -> {
      LayerCache lc = cache.layer(index);
      PrefillCapture capture = cache.capture();
      NDArray qh = q.transpose(1, 0, 2);
      NDArray kh = k.transpose(1, 0, 2);
      lc.append(kh, v.transpose(1, 0, 2), positions);
      kh.close();
      if (capture != null) capture.queries(index, qh, positions);
      NDArray attn = Ops.attention(qh, lc.keys(step), lc.values(step), mask, kvHeads,
          capture != null && capture.wantsProbs() ? p -> capture.probs(index, p, heads) : null);
      qh.close();
      return attn;
    };
  }

  /** A padded batch of {@code b} sequences of {@code t} columns; {@code mask} from {@link BatchKvCache#attentionMask}. */
  static CachedAttention batch(BatchKvCache cache, NDArray mask, int b, int t, int heads, int kvHeads, int d) {
    return (step, index, q, k, v) -> {
      NDArray qb = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
      NDArray kb = k.reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3);
      cache.append(index, kb, v.reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3));
      return BatchOps.attention(qb, cache.keys(index, step), cache.values(index, step), mask, kvHeads);
    };
  }
}
