package dev.harness.engine.serve;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Optional engine capability used by {@link OpenAiServer} for {@code /v1/completions} with {@code echo: true} and
 * {@code logprobs}: the teacher-forced log-probability of every token of a prompt, in one forward pass.
 *
 * <p>Contract of {@link #promptLogprobs}: one entry per token of {@code prompt} as vLLM tokenises a completions prompt
 * (with the tokenizer's special tokens), in order. A BOS the tokenizer adds is entry 0, as in vLLM's echo: its text as
 * the tokenizer decodes its id (e.g. {@code "<s>"}), log-prob {@code NaN} (sent as JSON {@code null}) and no
 * alternatives (top_logprobs {@code null}); the text tokens follow, each with its log-prob given what precedes it
 * (the BOS included). Without a BOS, entry 0 is the first text token, {@code NaN}. The text tokens' texts should
 * concatenate to {@code prompt} (the server derives the legacy {@code text_offset}s from them, falling back to the
 * tokenizer's decoding; the BOS entry shifts them by its length, vLLM's running sums: see {@code EchoScoring}).
 *
 * <p>An engine that does not implement this is served through {@code Engine.score(firstToken, rest)}, which needs the
 * server's {@code Tokenizer}.
 */
public interface PromptScorer {

  List<TokenScore> promptLogprobs(String prompt);

  /**
   * Like {@link #promptLogprobs} with up to {@code topK} alternatives per position, most probable first. The default
   * knows only whether each token was the argmax: its top list is the token itself when it was (and {@code topK >= 1}),
   * else empty. Engines that have the distributions should override it.
   */
  default List<TokenLogprob> promptTopLogprobs(String prompt, int topK) {
    List<TokenLogprob> out = new ArrayList<>();
    for (TokenScore s : promptLogprobs(prompt)) {
      List<TopLogprob> top = topK >= 1 && s.greedy() && !Double.isNaN(s.logprob())
          ? List.of(new TopLogprob(s.token(), s.id(), s.logprob())) : List.of();
      out.add(new TokenLogprob(s.token(), s.id(), s.logprob(), null, top));
    }
    return out;
  }

  /**
   * Token-id prompts scored exactly as sent (no decode, no re-encode, no BOS added): one entry per id, entry 0's
   * log-prob NaN (sent as null, vLLM's echo shape), entry p from the distribution after ids[0..p-1], up to
   * {@code topK} alternatives. The default cannot: the server then refuses echo+logprobs on id prompts.
   */
  default List<TokenLogprob> idsTopLogprobs(int[] ids, int topK) {
    throw new UnsupportedOperationException("this engine cannot score token-id prompts exactly as sent");
  }

  /**
   * {@link #idsTopLogprobs} for several prompts (a request whose {@code prompt} is a list): engines with a batched
   * forward pass should override it; the default scores them one by one.
   */
  default List<List<TokenLogprob>> idsTopLogprobsBatch(List<int[]> prompts, int topK) {
    List<List<TokenLogprob>> out = new ArrayList<>();
    for (int[] ids : prompts) out.add(idsTopLogprobs(ids, topK));
    return out;
  }

  /**
   * Generation that continues exactly the ids sent (no decode, no BOS added; {@code r.prompt()} is ignored), as vLLM
   * does for a token-id prompt. The default cannot: the server then refuses generation from id prompts.
   */
  default Completion completeIds(int[] ids, CompletionRequest r) {
    throw new UnsupportedOperationException("this engine cannot generate from token-id prompts exactly as sent");
  }

  /** Told of each generated token as it is produced: the decoded text so far (before stop strings cut it), and the token (null unless log-probs were asked). */
  @FunctionalInterface
  interface TokenListener {
    void onToken(String textSoFar, TokenLogprob tokenOrNull);
  }

  /**
   * Generation (from {@code idsOrNull} exactly when given, else from {@code r.prompt()}) that calls {@code listener}
   * per token as it is generated, for incremental streaming; the returned completion is authoritative. Null: this
   * engine cannot, and the server streams the finished completion instead.
   */
  default Completion completeStreaming(int[] idsOrNull, CompletionRequest r, TokenListener listener) { return null; }

  /** {@link #completeIds} for several prompts at once (one batch through the engine where it can); default: one by one. */
  default List<Completion> completeIdsBatch(List<int[]> prompts, List<CompletionRequest> requests) {
    List<Completion> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) out.add(completeIds(prompts.get(i), requests.get(i)));
    return out;
  }

  /**
   * Whether chat requests can be rendered with a real chat template (the checkpoint's or {@code --chat-template}'s).
   * False: the server refuses /v1/chat/completions with vLLM's 400 instead of inventing a format. Default true
   * (an engine that renders chat itself, e.g. a remote one).
   */
  default boolean hasChatTemplate() { return true; }

  /**
   * vLLM's {@code GET /tokenizer_info}: tokenizer_config.json's fields (file paths removed, added-token objects reduced
   * to their text), {@code tokenizer_class}, and {@code chat_template} when there is one; null when unknown (404).
   */
  default Map<String, Object> tokenizerInfo() { return null; }

  /** The number of tokens the engine feeds the model for {@code prompt} (chat: after the template), or -1 when unknown. */
  default int promptTokenCount(dev.harness.engine.Prompt prompt) { return -1; }

  /** Whether the engine applies a request's logit_bias and penalties ({@code CompletionRequest.adjust}); else the server refuses them. */
  default boolean appliesLogitAdjustments() { return false; }

  /** The vocabulary size ids are checked against, or -1 when unknown. */
  default int vocabSize() { return -1; }

  /** The context window in tokens (prompt + generated), or -1 when unknown. */
  default int contextWindow() { return -1; }
}
