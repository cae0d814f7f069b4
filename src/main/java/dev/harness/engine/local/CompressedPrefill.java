package dev.harness.engine.local;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.KvSpec;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.KvCompressor;
import dev.harness.engine.local.kv.KvPolicy;
import dev.harness.engine.local.kv.LayerCache;
import dev.harness.engine.local.kv.PrefillCapture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A prompt prefill with KV-cache compression in the middle, and the telemetry of what was kept. */
final class CompressedPrefill {
  /** The engine's forward pass: logits rows of positions {@code logitsFrom}… of {@code ids}, appended to the cache. */
  interface Forward {
    float[][] run(NDManager seq, int[] ids, KvCache cache, int logitsFrom);
  }

  private final Forward forward;
  private final int numHeads;

  CompressedPrefill(Forward forward, int numHeads) {
    this.forward = forward;
    this.numHeads = numHeads;
  }

  /** Compressed prefill through {@code m}'s chunked forward pass. */
  static CompressedPrefill of(LoadedModel m) { return new CompressedPrefill(m.forward, m.model.config().numHeads()); }

  /** {@link #run(NDManager, KvCache, int[], int, int, int, KvSpec, KvPolicy, KvOutcome)} with the ends of {@code layout}. */
  float[][] run(NDManager seq, KvCache cache, int[] ids, KvLayout layout, int logitsFrom, KvSpec spec, KvPolicy policy,
      KvOutcome out) {
    return run(seq, cache, ids, layout.contextEnd(), layout.scoredEnd(), logitsFrom, spec, policy, out);
  }

  /**
   * Runs {@code ids} through an empty {@code cache} with compression in the middle. The first {@code scoredEnd} ids are
   * prefilled (the context, and under kvpress's query-aware protocol the question after it, so that the policy's
   * scores see the question); the policy then keeps ceil(budget × contextEnd) positions per layer and KV head, chosen
   * among the context's positions [0, contextEnd) only; the rest of the ids (the question, and any teacher-forced
   * answer tokens) are run through the compressed cache at their original positions (the question a second time when
   * it was scored). Returns the logits rows of positions {@code logitsFrom} … ids.length−1 and fills {@code out}.
   */
  float[][] run(NDManager seq, KvCache cache, int[] ids, int contextEnd, int scoredEnd, int logitsFrom, KvSpec spec,
      KvPolicy policy, KvOutcome out) {
    if (contextEnd < 0 || contextEnd > scoredEnd || scoredEnd > ids.length) {
      throw new IllegalArgumentException("context " + contextEnd + ", scored " + scoredEnd + " of " + ids.length + " ids");
    }
    int nKept = spec.keptPositions(contextEnd);
    String why = contextEnd == 0 ? "the question covers the whole prompt: nothing to compress" : policy.keepWholeReason(contextEnd, nKept);
    if (why != null) return keptWhole(seq, cache, ids, contextEnd, scoredEnd, logitsFrom, spec, policy, out, why);
    float[][] before;
    KvCompressor.Result res;
    PrefillCapture capture = PrefillCapture.forPolicy(policy, seq, cache.numLayers(), scoredEnd);
    try {
      cache.capture(capture);
      float[][] first = forward.run(seq, Arrays.copyOf(ids, scoredEnd), cache, logitsFrom < contextEnd ? logitsFrom : scoredEnd);
      before = Arrays.copyOf(first, Math.max(0, contextEnd - logitsFrom));
      cache.capture(null);
      res = KvCompressor.compress(cache, policy, nKept, capture, numHeads, contextEnd);
      if (scoredEnd > contextEnd) cache.resumeAt(contextEnd);
    } finally {
      cache.capture(null);
      if (capture != null) capture.close();
    }
    int[] tail = Arrays.copyOfRange(ids, contextEnd, ids.length);
    float[][] after = tail.length == 0 ? new float[0][] : forward.run(seq, tail, cache, Math.max(0, logitsFrom - contextEnd));
    float[][] rows = new float[before.length + after.length][];
    System.arraycopy(before, 0, rows, 0, before.length);
    System.arraycopy(after, 0, rows, before.length, after.length);

    out.fullBytes = res.fullBytes();
    out.keptBytes = res.keptBytes();
    List<Integer> perLayer = new ArrayList<>();
    for (int[][] layer : res.kept()) perLayer.add(layer[0].length);
    record(out, spec, policy, contextEnd, scoredEnd, res.nKept(), logitsFrom, perLayer);
    int inWindow = Math.min(contextEnd, Math.max(0, policy.window() - (scoredEnd - contextEnd)));
    if (policy.window() > 0 && nKept < inWindow) {
      out.extra.put("kv_note", "n_kept " + nKept + " is smaller than the observation window's " + inWindow + " context positions: kept the most recent positions");
    }
    return rows;
  }

  /** A context the policy does not compress: one plain pass, exactly as without a KvSpec, with the telemetry. */
  private float[][] keptWhole(NDManager seq, KvCache cache, int[] ids, int contextEnd, int scoredEnd, int logitsFrom,
      KvSpec spec, KvPolicy policy, KvOutcome out, String why) {
    float[][] rows = forward.run(seq, ids, cache, logitsFrom);
    out.fullBytes = fullBytes(cache, contextEnd);
    out.keptBytes = out.fullBytes;
    record(out, spec, policy, contextEnd, scoredEnd, contextEnd, logitsFrom, java.util.Collections.nCopies(cache.numLayers(), contextEnd));
    out.extra.put("kv_note", why);
    return rows;
  }

  private static void record(KvOutcome out, KvSpec spec, KvPolicy policy, int contextEnd, int scoredEnd, int kept,
      int logitsFrom, List<Integer> perLayer) {
    Map<String, Object> x = out.extra;
    x.put("kv_policy", policy.name());
    x.put("kv_budget", spec.budget());
    x.put("kv_protocol", spec.protocol().id());
    x.put("kv_query_aware", spec.queryAware());
    x.put("kv_context_length", contextEnd);
    x.put("kv_scored_length", scoredEnd);
    x.put("kv_question_tokens", logitsFrom + 1 - contextEnd); // prompt tokens run through the compressed cache
    x.put("kv_n_kept", kept);
    x.put("kv_compression_ratio", spec.compressionRatio());
    x.put("kv_max_capacity_prompt", kept);
    x.put("kv_kept_positions_per_layer", List.copyOf(perLayer));
    if (!spec.queryAware()) x.put("kv_protected_suffix_tokens", logitsFrom + 1 - contextEnd);
  }

  private static long fullBytes(KvCache cache, int positions) {
    long b = 0;
    for (int l = 0; l < cache.numLayers(); l++) {
      LayerCache lc = cache.layer(l);
      b += 2L * lc.kvHeads() * positions * lc.headDim() * lc.dataType().getNumOfBytes();
    }
    return b;
  }
}
