package dev.harness.engine.local;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Next-token distributions through one {@link LocalEngine} view: float32 logits and log-softmax rows at every
 * position of a sequence (one or a left-padded batch), the top-k (or full-vocabulary) distribution after a prompt,
 * and one token's log-prob with its alternatives.
 */
final class NextTokens {
  private final LocalEngine view;
  private final LoadedModel m;

  NextTokens(LocalEngine view, LoadedModel m) {
    this.view = view;
    this.m = m;
  }

  /** See {@link LocalEngine#logits}. */
  float[][] logits(int[] ids) {
    return view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        return m.forward.run(seq, ids, cache, 0);
      }
    });
  }

  /** See {@link LocalEngine#logSoftmaxAll}. */
  double[][] logSoftmaxAll(int[] ids) {
    float[][] l = logits(ids);
    double[][] out = new double[l.length][];
    for (int i = 0; i < l.length; i++) out[i] = LogProbs.logSoftmax(l[i]);
    return out;
  }

  /** See {@link LocalEngine#logSoftmaxAllBatch}. */
  List<double[][]> logSoftmaxAllBatch(List<int[]> sequences) {
    if (sequences.size() <= 1) return sequences.stream().map(this::logSoftmaxAll).toList();
    int width = 0;
    for (int[] s : sequences) {
      if (s.length == 0) throw new IllegalArgumentException("logSoftmaxAllBatch: an empty sequence");
      width = Math.max(width, s.length);
    }
    int w = width;
    float[][][] rows = view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); BatchKvCache cache = m.model.newBatchCache(seq, sequences.size(), w)) {
        return m.forward.prefillBatch(seq, cache, sequences, w, 0);
      }
    });
    List<double[][]> out = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      int len = sequences.get(s).length;
      double[][] lp = new double[len][];
      for (int p = 0; p < len; p++) lp[p] = LogProbs.logSoftmax(rows[s][w - len + p]);
      out.add(lp);
    }
    return out;
  }

  /** See {@link LocalEngine#nextToken}. */
  NextToken nextToken(Prompt p, int topK) {
    int[] ids = LocalEngine.guard(() -> m.promptIds(p));
    if (ids.length == 0) ids = new int[] {m.prefixTokenId()};
    if (ids.length > m.maxLength) ids = Arrays.copyOfRange(ids, ids.length - m.maxLength, ids.length);
    int[] in = ids;
    float[] logits = view.locked(() -> {
      try (NDManager seq = m.root.newSubManager(); KvCache cache = m.model.newCache(seq)) {
        return m.forward.run(seq, in, cache, in.length - 1)[0];
      }
    });
    double[] lp = LogProbs.logSoftmax(logits);
    int[] top = LogProbs.topK(lp, topK);
    List<TopLogprob> list = new ArrayList<>(top.length);
    double mass = 0;
    int prev = in[in.length - 1];
    boolean full = top.length == lp.length;
    String[] pieces = full ? m.tokenizer.pieces(prev, lp.length) : null;
    for (int id : top) {
      list.add(new TopLogprob(full ? pieces[id] : m.tokenizer.piece(prev, id), id, lp[id]));
      mass += Math.exp(lp[id]);
    }
    return new NextToken(list, full ? 0.0 : Math.max(0.0, 1.0 - mass), lp.length, full);
  }

  /** The log-prob of token {@code id} under {@code logits}, with the {@code topK} most probable alternatives. */
  static TokenLogprob tokenLogprob(HfTokenizer tokenizer, float[] logits, int id, String piece, int topK, int prevId) {
    double[] lp = LogProbs.logSoftmax(logits);
    List<TopLogprob> top = new ArrayList<>();
    if (topK > 0) {
      for (int t : LogProbs.topK(lp, topK)) top.add(new TopLogprob(tokenizer.piece(prevId, t), t, lp[t]));
    }
    return new TokenLogprob(piece, id, lp[id], null, top);
  }
}
