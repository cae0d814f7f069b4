package dev.harness.engine.local.kv;

import java.util.Arrays;
import java.util.Map;

/**
 * A KV-cache compression policy (kvpress style): after the prefill of a context of {@code length} positions it
 * {@linkplain #score scores} every cached position per layer and per KV head, and the cache keeps the
 * {@code n_kept = ceil(budget × length)} best positions of each KV head — the same count for every head of every
 * layer, so the kept keys and values are new rectangular tensors [kv_heads, n_kept, head_dim], kept in original
 * position order. Decoding then continues at the original positions (kept keys keep the RoPE rotation of the position
 * they were computed at; the next token takes position {@code length}).
 *
 * <p>Budget: the fraction of context positions kept. NVIDIA kvpress's {@code compression_ratio} = 1 − budget; SnapKV's
 * absolute {@code max_capacity_prompt} (observation window included) = n_kept. Both are recorded per request
 * ({@code kv_compression_ratio}, {@code kv_max_capacity_prompt}). Ties in a score go to the more recent position.
 *
 * <table>
 *   <caption>Policies (names as in {@code KvSpec.policy}; parameters from {@code KvSpec.params}, other keys ignored)</caption>
 *   <tr><th>name</th><th>keeps</th><th>params</th></tr>
 *   <tr><td>{@code full}</td><td>every position, whatever the budget (the baseline)</td><td>—</td></tr>
 *   <tr><td>{@code snapkv}</td><td>the last {@code window} positions (the observation window, always kept and counted
 *     inside the budget) plus the earlier positions that the window's queries attend to most: softmax attention of
 *     each of the last {@code window} queries over the keys it can see (causal inside the window), summed over the
 *     window queries, 1-D pooled over the earlier positions ({@code avgpool} with zero padding counted, or
 *     {@code maxpool}; kernel {@code kernel}, padding kernel/2, stride 1), per query head; GQA: the pooled scores of
 *     the query heads sharing a KV head are averaged, then each KV head selects its own positions. A context not
 *     longer than the window is kept whole; when n_kept is smaller than the window the most recent n_kept positions
 *     are kept.</td>
 *     <td>{@code window} (int ≥ 1, default 32; kvpress uses 64), {@code kernel} (odd int ≥ 1, default 7),
 *     {@code pooling} ({@code avgpool} | {@code maxpool}, default avgpool)</td></tr>
 *   <tr><td>{@code streaming_llm}</td><td>the first {@code n_sink} positions (attention sinks) and the most recent
 *     n_kept − n_sink positions; the middle is dropped</td><td>{@code n_sink} (int ≥ 0, default 4)</td></tr>
 *   <tr><td>{@code h2o}</td><td>the heavy hitters: positions with the highest cumulative attention received during the
 *     prefill from every query that could see them, divided by the number of such queries (length − position),
 *     averaged over the query heads of a KV head's group</td><td>—</td></tr>
 *   <tr><td>{@code knorm}</td><td>the keys with the lowest L2 norm (score = −‖k‖₂)</td><td>—</td></tr>
 *   <tr><td>{@code random}</td><td>uniformly random positions (a baseline), reproducible from {@code seed} (per layer:
 *     seed and layer index)</td><td>{@code seed} (integer, default 0)</td></tr>
 * </table>
 * Invalid parameter values (wrong type, out of range, unknown pooling) throw {@link IllegalArgumentException}.
 */
public sealed interface KvPolicy
    permits KvPolicy.Full, SnapKv, StreamingLlm, H2o, KNorm, RandomPolicy {

  /** The attention a policy reads from the prefill. */
  enum Needs {
    /** keys only (or nothing) */
    NOTHING,
    /** the rotated queries of the last {@link #window()} positions, to compute their attention after the prefill */
    WINDOW_QUERIES,
    /** the attention every key received during the prefill, summed over queries (per query head) */
    CUMULATIVE_ATTENTION
  }

  /** The policy's name as {@code KvSpec.policy} spells it. */
  String name();

  default Needs needs() { return Needs.NOTHING; }

  /** Observation window (SnapKV); 0 for the others. */
  default int window() { return 0; }

  /**
   * Why a context of {@code length} positions of which {@code nKept} would be kept is kept whole (recorded as
   * {@code kv_note}), or null when it is compressed.
   */
  default String keepWholeReason(int length, int nKept) {
    return nKept >= length ? "ceil(budget × " + length + ") = " + nKept + " keeps every position: nothing to drop" : null;
  }

  /** Scores [kvHeads][length] of one layer's cached positions: the higher, the more worth keeping. */
  float[][] score(LayerState s);

  /** The policy with its parameters (by name): see {@link KvPolicies#of}. */
  static KvPolicy of(String name, Map<String, Object> params) { return KvPolicies.of(name, params); }

  /**
   * The {@code nKept} highest-scoring positions of each head (ties to the more recent position), each head's list
   * sorted in original position order.
   */
  static int[][] select(float[][] scores, int nKept) {
    int[][] out = new int[scores.length][];
    for (int h = 0; h < scores.length; h++) {
      float[] s = scores[h];
      if (nKept < 0 || nKept > s.length) throw new IllegalArgumentException("cannot keep " + nKept + " of " + s.length + " positions");
      Integer[] order = new Integer[s.length];
      for (int i = 0; i < s.length; i++) order[i] = i;
      Arrays.sort(order, (a, b) -> {
        int c = Float.compare(s[b], s[a]);
        return c != 0 ? c : Integer.compare(b, a);
      });
      int[] kept = new int[nKept];
      for (int i = 0; i < nKept; i++) kept[i] = order[i];
      Arrays.sort(kept);
      out[h] = kept;
    }
    return out;
  }

  /** {@code full}: the uncompressed baseline; never drops a position. */
  record Full() implements KvPolicy {
    @Override
    public String name() { return "full"; }

    @Override
    public String keepWholeReason(int length, int nKept) { return "policy full keeps every position"; }

    @Override
    public float[][] score(LayerState s) { return new float[s.kvHeads()][s.length()]; }
  }
}
