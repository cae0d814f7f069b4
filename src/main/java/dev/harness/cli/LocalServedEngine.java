package dev.harness.cli;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LogProbs;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.serve.PromptScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The local engine as {@code serve} sees it: every {@link dev.harness.engine.Engine} call delegated, plus
 * {@link PromptScorer} so that completions {@code echo} returns each prompt token's log-probability and real top-k
 * alternatives from one forward pass (what vLLM returns), instead of the generic score() fallback.
 */
public final class LocalServedEngine implements dev.harness.engine.Engine, PromptScorer {
  private final LocalEngine engine;

  public LocalServedEngine(LocalEngine engine) { this.engine = engine; }

  @Override
  public Completion complete(CompletionRequest request) { return engine.complete(request); }

  @Override
  public List<TokenScore> score(String context, String continuation) { return engine.score(context, continuation); }

  @Override
  public NextToken nextToken(Prompt prompt, int topK) { return engine.nextToken(prompt, topK); }

  @Override
  public EngineInfo info() { return engine.info(); }

  @Override
  public void close() { engine.close(); }

  @Override
  public List<TokenScore> promptLogprobs(String prompt) {
    return promptTopLogprobs(prompt, 1).stream().map(t -> new TokenScore(t.token(), t.id(), t.logprob(),
        !t.top().isEmpty() && t.top().get(0).id() == t.id() && !Double.isNaN(t.logprob()))).toList();
  }

  /**
   * One entry per prompt token (a BOS the tokenizer adds is context, not an entry); entry 0 is NaN when there is no
   * BOS to predict it from.
   */
  @Override
  public List<TokenLogprob> promptTopLogprobs(String prompt, int topK) {
    HfTokenizer tok = engine.hfTokenizer();
    int[] plain = tok.encodeIds(prompt, false);
    int[] special = tok.encodeIds(prompt, true);
    Integer bos = tok.specialTokens().bosId();
    boolean withBos = bos != null && special.length == plain.length + 1 && special[0] == bos
        && Arrays.equals(Arrays.copyOfRange(special, 1, special.length), plain);
    int[] ids = withBos ? special : plain;
    int offset = withBos ? 1 : 0;
    List<TokenLogprob> out = new ArrayList<>();
    if (plain.length == 0) return out;
    double[][] lp = engine.logSoftmaxAll(ids);
    int prev = withBos ? bos : -1;
    for (int j = 0; j < plain.length; j++) {
      int p = j + offset;
      out.add(entry(tok, lp, ids, p, prev, topK));
      prev = ids[p];
    }
    return out;
  }

  @Override
  public List<TokenLogprob> idsTopLogprobs(int[] ids, int topK) {
    HfTokenizer tok = engine.hfTokenizer();
    List<TokenLogprob> out = new ArrayList<>();
    if (ids.length == 0) return out;
    double[][] lp = engine.logSoftmaxAll(ids);
    int prev = -1;
    for (int p = 0; p < ids.length; p++) {
      out.add(entry(tok, lp, ids, p, prev, topK));
      prev = ids[p];
    }
    return out;
  }

  @Override
  public int vocabSize() { return engine.vocabSize(); }

  @Override
  public int contextWindow() { return engine.maxLength(); }

  /** The entry of position {@code p}: its text after {@code prev}, NaN at 0 (nothing predicts it), else its log-prob and top-k. */
  private static TokenLogprob entry(HfTokenizer tok, double[][] lp, int[] ids, int p, int prev, int topK) {
    String text = tok.piece(prev, ids[p]);
    if (p == 0) return new TokenLogprob(text, ids[p], Double.NaN, null, List.of());
    double[] dist = lp[p - 1];
    List<TopLogprob> top = new ArrayList<>();
    if (topK > 0) {
      for (int id : LogProbs.topK(dist, Math.min(topK, dist.length))) {
        top.add(new TopLogprob(tok.piece(ids[p - 1], id), id, dist[id]));
      }
    }
    return new TokenLogprob(text, ids[p], dist[ids[p]], null, top);
  }
}
