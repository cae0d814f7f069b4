package dev.harness.engine.serve;

import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * Optional engine capability used by {@link OpenAiServer} for {@code /v1/completions} with {@code echo: true} and
 * {@code logprobs}: the teacher-forced log-probability of every token of a prompt, in one forward pass.
 *
 * <p>Contract of {@link #promptLogprobs}: one entry per token of {@code prompt} as the engine tokenises it for
 * scoring, in order; the token texts should concatenate to {@code prompt} (the server derives the legacy
 * {@code text_offset}s from them, falling back to the tokenizer's decoding); entry 0 has logprob {@code NaN} when the
 * model had no context for it (no BOS), which is sent as JSON {@code null}, as OpenAI's legacy API did.
 * Special tokens the engine adds (BOS) are not entries.
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

  /** The vocabulary size ids are checked against, or -1 when unknown. */
  default int vocabSize() { return -1; }

  /** The context window in tokens (prompt + generated), or -1 when unknown. */
  default int contextWindow() { return -1; }
}
