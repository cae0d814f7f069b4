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
}
