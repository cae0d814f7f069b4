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

  /**
   * Runs {@code ids} through an empty {@code cache}: the first {@code split} ids (the context) are prefilled, the
   * cache is compressed by {@code policy} to ceil(budget × split) positions per layer and KV head, then the rest of the
   * ids (the protected suffix, or teacher-forced answer tokens) are run through the compressed cache at their original
   * positions. Returns the logits rows of positions {@code logitsFrom} … ids.length−1 and fills {@code out}.
   */
  float[][] run(NDManager seq, KvCache cache, int[] ids, int split, int logitsFrom, KvSpec spec, KvPolicy policy,
      KvOutcome out) {
    int[] head = Arrays.copyOf(ids, split);
    int[] tail = Arrays.copyOfRange(ids, split, ids.length);
    int nKept = spec.keptPositions(split);
    String why = split == 0 ? "the protected suffix covers the whole prompt: nothing to compress" : policy.keepWholeReason(split, nKept);
    if (why != null) return keptWhole(seq, cache, ids, split, logitsFrom, spec, policy, out, why);
    float[][] before;
    KvCompressor.Result res;
    PrefillCapture capture = PrefillCapture.forPolicy(policy, seq, cache.numLayers(), split);
    try {
      cache.capture(capture);
      before = forward.run(seq, head, cache, Math.min(logitsFrom, split));
      cache.capture(null);
      res = KvCompressor.compress(cache, policy, nKept, capture, numHeads);
    } finally {
      cache.capture(null);
      if (capture != null) capture.close();
    }
    float[][] after = tail.length == 0 ? new float[0][] : forward.run(seq, tail, cache, Math.max(0, logitsFrom - split));
    float[][] rows = new float[before.length + after.length][];
    System.arraycopy(before, 0, rows, 0, before.length);
    System.arraycopy(after, 0, rows, before.length, after.length);

    out.fullBytes = res.fullBytes();
    out.keptBytes = res.keptBytes();
    List<Integer> perLayer = new ArrayList<>();
    for (int[][] layer : res.kept()) perLayer.add(layer[0].length);
    record(out, spec, policy, split, res.nKept(), logitsFrom, perLayer);
    if (policy.window() > 0 && nKept < policy.window()) {
      out.extra.put("kv_note", "n_kept " + nKept + " is smaller than the observation window " + policy.window() + ": kept the most recent positions");
    }
    return rows;
  }

  /** A context the policy does not compress: one plain pass, exactly as without a KvSpec, with the telemetry. */
  private float[][] keptWhole(NDManager seq, KvCache cache, int[] ids, int split, int logitsFrom, KvSpec spec,
      KvPolicy policy, KvOutcome out, String why) {
    float[][] rows = forward.run(seq, ids, cache, logitsFrom);
    out.fullBytes = fullBytes(cache, split);
    out.keptBytes = out.fullBytes;
    record(out, spec, policy, split, split, logitsFrom, java.util.Collections.nCopies(cache.numLayers(), split));
    out.extra.put("kv_note", why);
    return rows;
  }

  private static void record(KvOutcome out, KvSpec spec, KvPolicy policy, int split, int kept, int logitsFrom, List<Integer> perLayer) {
    Map<String, Object> x = out.extra;
    x.put("kv_policy", policy.name());
    x.put("kv_budget", spec.budget());
    x.put("kv_query_aware", spec.queryAware());
    x.put("kv_context_length", split);
    x.put("kv_n_kept", kept);
    x.put("kv_compression_ratio", spec.compressionRatio());
    x.put("kv_max_capacity_prompt", kept);
    x.put("kv_kept_positions_per_layer", List.copyOf(perLayer));
    if (!spec.queryAware()) x.put("kv_protected_suffix_tokens", logitsFrom + 1 - split); // prompt tokens appended after compression
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
