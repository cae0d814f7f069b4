package dev.harness.engine.local;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Telemetry;
import dev.harness.engine.Usage;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.KvPolicies;
import dev.harness.engine.local.kv.KvPolicy;
import dev.harness.engine.local.quant.Quantization;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generation through one {@link LocalEngine} view: one prompt (plain or with a compressed KV cache,
 * {@link CompressedPrefill}) and many prompts in one left-padded batch. The contracts are
 * {@link LocalEngine#complete(CompletionRequest)} and {@link LocalEngine#completeBatch(List)}.
 */
final class Generator {
  private final LocalEngine view;
  private final LoadedModel m;

  Generator(LocalEngine view, LoadedModel m) {
    this.view = view;
    this.m = m;
  }

  /** Prompt ids as generation feeds them: an empty prompt becomes the prefix token; cut from the left to the window. */
  private record Fitted(int[] ids, boolean truncated) {}

  Completion complete(CompletionRequest r) {
    long t0 = System.nanoTime();
    RenderedPrompt rp = LocalEngine.guard(() -> m.renderer.render(r.prompt()));
    int[] ids = LocalEngine.guard(() -> m.ids(rp));
    return complete(ids, m.questionStart(rp, ids.length, r.kv()), r, t0, null);
  }

  Completion complete(int[] promptIds, CompletionRequest r, LocalEngine.GenerationListener listener) {
    if (r.kv() != null && r.kv().protectedSuffix() != null && !r.kv().protectedSuffix().isBlank()) {
      throw new IllegalArgumentException("complete(ids, request) cannot place a protected suffix (the question) in ids: "
          + "give the prompt text through complete(request)");
    }
    return complete(promptIds, promptIds.length, r, System.nanoTime(), listener);
  }

  private Completion complete(int[] promptIds, int questionStart, CompletionRequest r, long t0,
      LocalEngine.GenerationListener listener) {
    KvPolicy policy = r.kv() == null ? null : KvPolicies.of(r.kv().policy(), r.kv().params());
    Fitted f = fit(promptIds);
    int[] prompt = f.ids();
    boolean cut = f.truncated();
    int dropped = promptIds.length == 0 ? -1 : promptIds.length - prompt.length;
    KvLayout layout = policy == null ? null : KvLayout.of(r.kv(), prompt.length, questionStart - dropped);
    return view.locked(() -> generate(r, prompt, t0, cut, policy, layout, listener));
  }

  private Fitted fit(int[] promptIds) {
    int[] ids = promptIds.length == 0 ? new int[] {m.prefixTokenId()} : promptIds;
    int room = Math.max(1, m.maxLength - 1);
    if (ids.length > room) return new Fitted(Arrays.copyOfRange(ids, ids.length - room, ids.length), true);
    return new Fitted(ids, false);
  }

  private Completion generate(CompletionRequest r, int[] prompt, long t0, boolean truncatedPrompt, KvPolicy policy,
      KvLayout layout, LocalEngine.GenerationListener listener) {
    double prefillMs;
    long tDecode;
    Long fullBytes;
    Long keptBytes;
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("device", m.device().toString());
    extra.put("dtype", m.options.dtype());
    if (!m.options.quant().equals(Quantization.NONE)) extra.put("quantization", m.options.quantization());
    if (view.adapterName() != null) extra.put("adapter", view.adapterName());
    Generation g = new Generation(m, r, prompt, listener);
    try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
      KvOutcome kv = policy == null ? null : new KvOutcome();
      float[] logits = policy == null ? m.forward.run(seq, prompt, cache, prompt.length - 1)[0]
          : CompressedPrefill.of(m).run(seq, cache, prompt, layout, prompt.length - 1, r.kv(), policy, kv)[0];
      tDecode = System.nanoTime();
      prefillMs = (tDecode - t0) / 1e6;
      int next;
      while ((next = g.accept(logits, cache.nextPosition())) >= 0) logits = m.forward.run(seq, new int[] {next}, cache, 0)[0];
      if (kv == null) {
        fullBytes = cache.fullBytes();
        keptBytes = cache.bytes();
      } else {
        fullBytes = kv.fullBytes;
        keptBytes = kv.keptBytes;
        extra.putAll(kv.extra);
        extra.put("kv_final_bytes", cache.bytes());
      }
    }
    long tEnd = System.nanoTime();
    Telemetry tel = new Telemetry((tEnd - t0) / 1e6, prefillMs, null, 1, prefillMs, (tEnd - tDecode) / 1e6,
        fullBytes, keptBytes, PeakMemory.peakRssBytes(), extra);
    return new Completion(g.text, g.finish, g.tokens, new Usage(prompt.length, g.gen.size()), tel, truncatedPrompt);
  }

  List<Completion> completeBatch(List<CompletionRequest> requests) {
    long t0 = System.nanoTime();
    Completion[] out = new Completion[requests.size()];
    List<Integer> batched = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).kv() == null) batched.add(i);
    }
    if (batched.size() > 1) {
      List<CompletionRequest> rs = new ArrayList<>();
      List<Fitted> prompts = new ArrayList<>();
      for (int i : batched) {
        CompletionRequest r = requests.get(i);
        rs.add(r);
        prompts.add(fit(LocalEngine.guard(() -> m.promptIds(r.prompt()))));
      }
      List<Completion> done = view.locked(() -> generateBatch(rs, prompts, t0));
      for (int j = 0; j < batched.size(); j++) out[batched.get(j)] = done.get(j);
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) out[i] = complete(requests.get(i));
    }
    return List.of(out);
  }

  List<Completion> completeBatch(List<int[]> promptIds, List<CompletionRequest> requests) {
    if (promptIds.size() != requests.size()) throw new IllegalArgumentException(promptIds.size() + " prompts for " + requests.size() + " requests");
    long t0 = System.nanoTime();
    List<Fitted> prompts = new ArrayList<>();
    for (int[] p : promptIds) prompts.add(fit(p));
    for (CompletionRequest r : requests) {
      if (r.kv() != null) throw new IllegalArgumentException("completeBatch with prompt ids takes no KvSpec; use complete(ids, request)");
    }
    if (requests.isEmpty()) return List.of();
    return view.locked(() -> generateBatch(requests, prompts, t0));
  }

  private List<Completion> generateBatch(List<CompletionRequest> rs, List<Fitted> prompts, long t0) {
    int n = rs.size();
    Generation[] gens = new Generation[n];
    int width = 0;
    int longest = 0;
    for (int s = 0; s < n; s++) {
      gens[s] = new Generation(m, rs.get(s), prompts.get(s).ids(), null);
      width = Math.max(width, prompts.get(s).ids().length);
      longest = Math.max(longest, rs.get(s).maxTokens());
    }
    long[] tEnd = new long[n];
    long[] kvBytes = new long[n];
    long tDecode;
    try (NDManager seq = m.root.newSubManager();
        BatchKvCache cache = m.model.newBatchCache(seq, n, width + Math.min(longest, Math.max(1, m.maxLength - width)))) {
      float[][][] prefilled = m.forward.prefillBatch(seq, cache, prompts.stream().map(Fitted::ids).toList(), width, width - 1);
      float[][] logits = new float[n][];
      for (int s = 0; s < n; s++) logits[s] = prefilled[s][0];
      tDecode = System.nanoTime();
      int[] rows = new int[n]; // rows[r] = the request in row r of the cache
      for (int s = 0; s < n; s++) rows[s] = s;
      while (true) {
        int[] keep = new int[rows.length];
        int[] feed = new int[rows.length];
        int kept = 0;
        for (int r = 0; r < rows.length; r++) {
          int next = gens[rows[r]].accept(logits[r], cache.nextPosition(r));
          if (next >= 0) {
            keep[kept] = r;
            feed[kept++] = next;
          } else {
            tEnd[rows[r]] = System.nanoTime();
            kvBytes[rows[r]] = cache.sequenceBytes(r);
          }
        }
        if (kept == 0) break;
        if (kept < rows.length) {
          keep = Arrays.copyOf(keep, kept);
          cache.keep(keep);
          int[] nr = new int[kept];
          for (int j = 0; j < kept; j++) nr[j] = rows[keep[j]];
          rows = nr;
        }
        int[][] ids = new int[kept][];
        boolean[][] real = new boolean[kept][];
        for (int j = 0; j < kept; j++) {
          ids[j] = new int[] {feed[j]};
          real[j] = new boolean[] {true};
        }
        logits = m.forward.runBatch(seq, cache, ids, real, 0);
      }
    }
    double prefillMs = (tDecode - t0) / 1e6;
    List<Completion> out = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      Generation g = gens[s];
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("device", m.device().toString());
      extra.put("dtype", m.options.dtype());
      extra.put("batch_size", n);
      Telemetry tel = new Telemetry((tEnd[s] - t0) / 1e6, prefillMs, null, 1, prefillMs, (tEnd[s] - tDecode) / 1e6,
          kvBytes[s], kvBytes[s], PeakMemory.peakRssBytes(), extra);
      out.add(new Completion(g.text, g.finish, g.tokens, new Usage(prompts.get(s).ids().length, g.gen.size()), tel,
          prompts.get(s).truncated()));
    }
    return out;
  }
}
