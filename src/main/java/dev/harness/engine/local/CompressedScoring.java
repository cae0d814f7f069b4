package dev.harness.engine.local;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.AnswerLoglik;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import dev.harness.engine.Telemetry;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.KvPolicies;
import dev.harness.engine.local.kv.KvPolicy;
import dev.harness.engine.local.kv.LayerCache;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Teacher-forced answer log-likelihood through a compressed KV cache ({@link LocalEngine#answerLoglik}): the prompt
 * is laid out as generation lays it out ({@link KvLayout}), prefilled with compression ({@link CompressedPrefill}),
 * and the answer's logits are scored by {@link TeacherForcing}'s score loop. Also the cache's kept positions after
 * such a prefill (tests).
 */
final class CompressedScoring {
  private final LocalEngine view;
  private final LoadedModel m;
  private final TeacherForcing scores;

  CompressedScoring(LocalEngine view, LoadedModel m, TeacherForcing scores) {
    this.view = view;
    this.m = m;
    this.scores = scores;
  }

  AnswerLoglik answerLoglik(Prompt prompt, String answer, KvSpec kv) {
    long t0 = System.nanoTime();
    KvPolicy policy = kv == null ? null : KvPolicies.of(kv.policy(), kv.params());
    RenderedPrompt rp = m.renderer.render(prompt);
    ContinuationSplit answerSplit = ContinuationSplit.of(m.tokenizer, rp.text(), answer, rp.addSpecialTokens(), m.prefixTokenId());
    int[] ctxIds = answerSplit.context();
    int[] contIds = answerSplit.continuation();
    int window = m.maxLength;
    if (contIds.length == 0) throw new IllegalArgumentException("answer_loglik: the answer has no tokens");
    if (contIds.length >= window) throw new IllegalArgumentException("answer_loglik: the answer (" + contIds.length + " tokens) does not fit the window " + window);
    boolean truncated = false;
    int room = window + 1 - contIds.length;
    if (ctxIds.length > room) {
      ctxIds = Arrays.copyOfRange(ctxIds, ctxIds.length - room, ctxIds.length);
      truncated = true;
    }
    int[] input = new int[ctxIds.length + contIds.length - 1];
    System.arraycopy(ctxIds, 0, input, 0, ctxIds.length);
    System.arraycopy(contIds, 0, input, ctxIds.length, contIds.length - 1);
    int dropped = answerSplit.context().length - ctxIds.length;
    KvLayout layout = policy == null ? null : KvLayout.of(kv, ctxIds.length,
        m.questionStart(new RenderedPrompt(ContinuationSplit.contextText(rp.text()), rp.addSpecialTokens()),
            answerSplit.context().length, kv) - dropped);
    int[] ctxFinal = ctxIds;
    KvOutcome out = policy == null ? null : new KvOutcome();
    float[][] logits = view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        return policy == null ? m.forward.run(seq, input, cache, ctxFinal.length - 1)
            : CompressedPrefill.of(m).run(seq, cache, input, layout, ctxFinal.length - 1, kv, policy, out);
      }
    });
    List<TokenScore> tokenScores = scores.tokenScores(logits, 0, ctxFinal[ctxFinal.length - 1], contIds);
    double sum = 0;
    for (TokenScore s : tokenScores) sum += s.logprob();
    double ms = (System.nanoTime() - t0) / 1e6;
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("device", m.device().toString());
    extra.put("dtype", m.options.dtype());
    if (out != null) extra.putAll(out.extra);
    Telemetry tel = new Telemetry(ms, null, null, 1, ms, null, out == null ? null : out.fullBytes,
        out == null ? null : out.keptBytes, PeakMemory.peakRssBytes(), extra);
    return new AnswerLoglik(sum, contIds.length, sum / contIds.length, tokenScores, ctxFinal.length, truncated, tel);
  }

  /** See {@link LocalEngine#cachedPositionsAfterPrefill}. */
  int[][][] cachedPositionsAfterPrefill(Prompt p, KvSpec kv) {
    KvPolicy policy = KvPolicies.of(kv.policy(), kv.params());
    RenderedPrompt rp = m.renderer.render(p);
    int[] ids = m.ids(rp);
    KvLayout layout = KvLayout.of(kv, ids.length, m.questionStart(rp, ids.length, kv));
    return view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        CompressedPrefill.of(m).run(seq, cache, ids, layout, ids.length - 1, kv, policy, new KvOutcome());
        int[][][] out = new int[cache.numLayers()][][];
        for (int l = 0; l < out.length; l++) {
          LayerCache lc = cache.layer(l);
          out[l] = new int[lc.kvHeads()][];
          for (int h = 0; h < lc.kvHeads(); h++) out[l][h] = lc.positions(h);
        }
        return out;
      }
    });
  }
}
