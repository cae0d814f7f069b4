package dev.harness.engine.local;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Teacher-forced log-probabilities (lm-eval's loglikelihood) through one {@link LocalEngine} view: one pair, one pair
 * with top-k alternatives, one context shared by several continuations (prefilled once, the cache rewound per
 * continuation), and many unrelated pairs in one left-padded batch. Every way gives the same scores up to float
 * rounding (~1e-6). An empty context becomes the engine's prefix token; inputs are cut from the left to the window.
 */
final class TeacherForcing {
  private final LocalEngine view;
  private final LoadedModel m;

  TeacherForcing(LocalEngine view, LoadedModel m) {
    this.view = view;
    this.m = m;
  }

  List<TokenScore> score(String context, String continuation) {
    ContinuationSplit split = split(context, continuation);
    return scoreIds(split.context(), split.continuation());
  }

  List<TokenScore> scoreIds(int[] context, int[] continuation) {
    if (continuation.length == 0) return List.of();
    int[] ctx = orPrefix(context);
    return tokenScores(forward(ctx, continuation), 0, ctx[ctx.length - 1], continuation);
  }

  List<TokenLogprob> scoreIdsTop(int[] context, int[] continuation, int topK) {
    if (continuation.length == 0) return List.of();
    int[] ctx = orPrefix(context);
    float[][] logits = forward(ctx, continuation);
    List<TokenLogprob> out = new ArrayList<>(continuation.length);
    for (int j = 0; j < continuation.length; j++) {
      int id = continuation[j];
      int prev = j == 0 ? ctx[ctx.length - 1] : continuation[j - 1];
      out.add(NextTokens.tokenLogprob(m.tokenizer, logits[j], id, m.tokenizer.piece(prev, id), topK, prev));
    }
    return out;
  }

  /**
   * The context's tokens are the same for every continuation only when lm-eval's split gives the same context ids;
   * pairs whose ids differ, and pairs longer than the context window, are scored on their own.
   */
  List<List<TokenScore>> scoreShared(String context, List<String> continuations) {
    List<int[]> ctxIds = new ArrayList<>();
    List<int[]> contIds = new ArrayList<>();
    for (String c : continuations) {
      ContinuationSplit split = split(context, c);
      ctxIds.add(split.context());
      contIds.add(split.continuation());
    }
    int[] shared = ctxIds.isEmpty() ? new int[0] : ctxIds.get(0);
    List<Integer> together = new ArrayList<>();
    for (int i = 0; i < ctxIds.size(); i++) {
      if (Arrays.equals(ctxIds.get(i), shared) && shared.length + contIds.get(i).length - 1 <= m.maxLength) {
        together.add(i);
      }
    }
    List<List<TokenScore>> out = new ArrayList<>();
    for (int i = 0; i < continuations.size(); i++) out.add(null);
    List<List<TokenScore>> joint = scoreIdsShared(shared, together.stream().map(contIds::get).toList());
    for (int k = 0; k < together.size(); k++) out.set(together.get(k), joint.get(k));
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) == null) out.set(i, scoreIds(ctxIds.get(i), contIds.get(i)));
    }
    return out;
  }

  /** One prefill of {@code context} less its last token, then each continuation on top of it. */
  List<List<TokenScore>> scoreIdsShared(int[] context, List<int[]> continuations) {
    if (continuations.isEmpty()) return List.of();
    int[] ctx = orPrefix(context);
    int[] prefix = Arrays.copyOf(ctx, ctx.length - 1);
    int last = ctx[ctx.length - 1];
    List<float[][]> logits = view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        if (prefix.length > 0) m.forward.run(seq, prefix, cache, prefix.length);
        List<float[][]> rows = new ArrayList<>();
        for (int[] cont : continuations) {
          if (cont.length == 0) {
            rows.add(new float[0][]);
            continue;
          }
          int[] in = new int[cont.length];
          in[0] = last;
          System.arraycopy(cont, 0, in, 1, cont.length - 1);
          rows.add(m.forward.run(seq, in, cache, 0));
          cache.rewind(prefix.length);
        }
        return rows;
      }
    });
    List<List<TokenScore>> out = new ArrayList<>();
    for (int i = 0; i < continuations.size(); i++) out.add(tokenScores(logits.get(i), 0, last, continuations.get(i)));
    return out;
  }

  List<List<TokenScore>> scoreBatch(List<String> contexts, List<String> continuations) {
    sameSize(contexts, continuations);
    List<int[]> ctx = new ArrayList<>();
    List<int[]> cont = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      ContinuationSplit split = split(contexts.get(i), continuations.get(i));
      ctx.add(split.context());
      cont.add(split.continuation());
    }
    return scoreIdsBatch(ctx, cont);
  }

  List<List<TokenScore>> scoreIdsBatch(List<int[]> contexts, List<int[]> continuations) {
    sameSize(contexts, continuations);
    int n = contexts.size();
    List<int[]> ctxs = new ArrayList<>();
    List<int[]> inputs = new ArrayList<>();
    List<Integer> live = new ArrayList<>();
    int width = 0;
    int maxCont = 0;
    for (int i = 0; i < n; i++) {
      int[] c = orPrefix(contexts.get(i));
      int[] cont = continuations.get(i);
      ctxs.add(c);
      if (cont.length == 0) continue;
      int[] input = input(c, cont);
      live.add(i);
      inputs.add(input);
      width = Math.max(width, input.length);
      maxCont = Math.max(maxCont, cont.length);
    }
    List<List<TokenScore>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(List.of());
    if (live.isEmpty()) return out;
    int w = width;
    int from = width - maxCont;
    float[][][] logits = view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); BatchKvCache cache = m.model.newBatchCache(seq, inputs.size(), w)) {
        return m.forward.prefillBatch(seq, cache, inputs, w, from);
      }
    });
    for (int j = 0; j < live.size(); j++) {
      int i = live.get(j);
      int[] ctx = ctxs.get(i);
      int[] cont = continuations.get(i);
      // this pair's continuation logits are the last cont.length columns
      out.set(i, tokenScores(logits[j], maxCont - cont.length, ctx[ctx.length - 1], cont));
    }
    return out;
  }

  /** One forward pass over {@code ctx + continuation}: the logits that predict each continuation token, in order. */
  private float[][] forward(int[] ctx, int[] continuation) {
    int[] in = input(ctx, continuation);
    int from = in.length - continuation.length;
    return view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        return m.forward.run(seq, in, cache, from);
      }
    });
  }

  /** {@code ctx + continuation} without its last token, cut from the left to the context window (as lm-eval does). */
  private int[] input(int[] ctx, int[] continuation) {
    int[] all = new int[ctx.length + continuation.length];
    System.arraycopy(ctx, 0, all, 0, ctx.length);
    System.arraycopy(continuation, 0, all, ctx.length, continuation.length);
    int[] input = Arrays.copyOf(all, all.length - 1);
    int max = m.maxLength;
    return input.length > max ? Arrays.copyOfRange(input, input.length - max, input.length) : input;
  }

  /**
   * The score loop: the scores of {@code cont}'s tokens from logits rows {@code offset..}; {@code prevCtx} precedes
   * its first token. {@link CompressedScoring} scores answers with it too.
   */
  List<TokenScore> tokenScores(float[][] rows, int offset, int prevCtx, int[] cont) {
    List<TokenScore> scores = new ArrayList<>(cont.length);
    for (int k = 0; k < cont.length; k++) {
      float[] row = rows[offset + k];
      double[] lp = LogProbs.logSoftmax(row);
      int id = cont[k];
      int prev = k == 0 ? prevCtx : cont[k - 1];
      scores.add(new TokenScore(m.tokenizer.piece(prev, id), id, lp[id], LogProbs.argMax(row) == id));
    }
    return scores;
  }

  private ContinuationSplit split(String context, String continuation) {
    return ContinuationSplit.of(m.tokenizer, context, continuation, false, m.prefixTokenId());
  }

  private int[] orPrefix(int[] context) { return context.length == 0 ? new int[] {m.prefixTokenId()} : context; }

  private static void sameSize(List<?> contexts, List<?> continuations) {
    if (contexts.size() != continuations.size()) {
      throw new IllegalArgumentException(contexts.size() + " contexts for " + continuations.size() + " continuations");
    }
  }
}
