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
import dev.harness.engine.local.tokenizer.ChatTemplate;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.TokenizerInfo;
import dev.harness.engine.serve.PromptScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The local engine as {@code serve} sees it: every {@link dev.harness.engine.Engine} call delegated, plus
 * {@link PromptScorer} so that completions {@code echo} returns each prompt token's log-probability and real top-k
 * alternatives from one forward pass (what vLLM returns), instead of the generic score() fallback; token-id prompts
 * scored and continued exactly as sent, batched through {@link LocalEngine#logSoftmaxAllBatch} and
 * {@link LocalEngine#completeBatch(List, List)}; {@code --chat-template}: chat prompts rendered with that template
 * (tokenized without adding special tokens, as vLLM does) instead of the checkpoint's.
 */
public final class LocalServedEngine implements dev.harness.engine.Engine, PromptScorer {
  private final LocalEngine engine;
  private final ChatTemplate chatTemplate;

  public LocalServedEngine(LocalEngine engine) { this(engine, null); }

  /** @param chatTemplateOrNull overrides the checkpoint's chat template (vLLM's {@code --chat-template}) */
  public LocalServedEngine(LocalEngine engine, ChatTemplate chatTemplateOrNull) {
    this.engine = engine;
    this.chatTemplate = chatTemplateOrNull;
  }

  @Override
  public Completion complete(CompletionRequest request) {
    Prompt p = request.prompt();
    if (chatTemplate == null || !p.isChat()) return engine.complete(request);
    return engine.complete(templated(p), request);
  }

  /** A chat prompt rendered with --chat-template and tokenized without adding special tokens (vLLM's way). */
  private int[] templated(Prompt p) {
    String text = p.prefill() == null ? chatTemplate.render(p.messages(), true) : chatTemplate.renderWithPrefill(p.messages(), p.prefill());
    return engine.hfTokenizer().encodeIds(text, false);
  }

  @Override
  public Completion completeStreaming(int[] idsOrNull, CompletionRequest r, TokenListener listener) {
    Prompt p = r.prompt();
    int[] ids = idsOrNull != null ? idsOrNull : chatTemplate != null && p.isChat() ? templated(p) : engine.promptIds(p);
    return engine.complete(ids, r, listener::onToken);
  }

  @Override
  public Completion completeIds(int[] ids, CompletionRequest r) { return engine.complete(ids, r); }

  @Override
  public List<Completion> completeIdsBatch(List<int[]> prompts, List<CompletionRequest> requests) {
    if (prompts.size() > 1 && requests.stream().allMatch(r -> r.kv() == null)) return engine.completeBatch(prompts, requests);
    return PromptScorer.super.completeIdsBatch(prompts, requests);
  }

  @Override
  public int promptTokenCount(Prompt p) { return (chatTemplate != null && p.isChat() ? templated(p) : engine.promptIds(p)).length; }

  @Override
  public boolean appliesLogitAdjustments() { return true; }

  @Override
  public boolean hasChatTemplate() { return chatTemplate != null || engine.hfTokenizer().chatTemplate() != null; }

  @Override
  public Map<String, Object> tokenizerInfo() {
    return TokenizerInfo.of(engine.hfTokenizer().dir(), chatTemplate == null ? null : chatTemplate.source());
  }

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
   * One entry per prompt token as vLLM echoes a text prompt (tokenized with the tokenizer's special tokens, as vLLM does
   * for completions): a BOS the tokenizer adds is entry 0, its text as decoding its id gives it (e.g. {@code "<s>"}),
   * log-prob NaN (null) and no alternatives; the text tokens follow with their log-probs after the BOS. Without a BOS,
   * entry 0 is the first text token, NaN. See {@code EchoScoring} for vLLM's source.
   */
  @Override
  public List<TokenLogprob> promptTopLogprobs(String prompt, int topK) {
    HfTokenizer tok = engine.hfTokenizer();
    int[] plain = tok.encodeIds(prompt, false);
    if (plain.length == 0) return new ArrayList<>();
    int[] special = tok.encodeIds(prompt, true);
    Integer bos = tok.specialTokens().bosId();
    boolean withBos = bos != null && special.length == plain.length + 1 && special[0] == bos
        && Arrays.equals(Arrays.copyOfRange(special, 1, special.length), plain);
    if (!withBos) return idsTopLogprobs(plain, topK);
    List<TokenLogprob> out = new ArrayList<>();
    double[][] lp = engine.logSoftmaxAll(special);
    for (int p = 0; p < special.length; p++) {
      // the first text token reads as at the start (vLLM's detokenizer skips the special BOS): "The", not " The"
      out.add(entry(tok, lp, special, p, p <= 1 ? -1 : special[p - 1], topK));
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
  public List<List<TokenLogprob>> idsTopLogprobsBatch(List<int[]> prompts, int topK) {
    HfTokenizer tok = engine.hfTokenizer();
    List<double[][]> all = engine.logSoftmaxAllBatch(prompts);
    List<List<TokenLogprob>> out = new ArrayList<>();
    for (int s = 0; s < prompts.size(); s++) {
      int[] ids = prompts.get(s);
      List<TokenLogprob> one = new ArrayList<>();
      int prev = -1;
      for (int p = 0; p < ids.length; p++) {
        one.add(entry(tok, all.get(s), ids, p, prev, topK));
        prev = ids[p];
      }
      out.add(one);
    }
    return out;
  }

  @Override
  public int vocabSize() { return engine.vocabSize(); }

  @Override
  public int contextWindow() { return engine.maxLength(); }

  /** The entry of position {@code p}: its text (and its alternatives') after {@code prev}, NaN at 0 (nothing predicts it), else its log-prob and top-k. */
  private static TokenLogprob entry(HfTokenizer tok, double[][] lp, int[] ids, int p, int prev, int topK) {
    String text = tok.piece(prev, ids[p]);
    if (p == 0) return new TokenLogprob(text, ids[p], Double.NaN, null, List.of());
    double[] dist = lp[p - 1];
    List<TopLogprob> top = new ArrayList<>();
    if (topK > 0) {
      for (int id : LogProbs.topK(dist, Math.min(topK, dist.length))) {
        top.add(new TopLogprob(tok.piece(prev, id), id, dist[id]));
      }
    }
    return new TokenLogprob(text, ids[p], dist[ids[p]], null, top);
  }
}
