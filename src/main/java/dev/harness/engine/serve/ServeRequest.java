package dev.harness.engine.serve;

import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.LogitAdjustments;
import dev.harness.engine.Prompt;
import java.util.List;

/**
 * One validated chat or completions request. {@code maxTokens} may be 0 (completions only: nothing is generated, the
 * answer is the echoed prompt or empty). {@code topLogprobs} is the number of alternatives per position. {@code model}
 * is the served model id the request addressed (the default one when it named none). {@code n}: choices per prompt
 * (a completions request with a list of prompts is parsed into one ServeRequest per prompt, all with the same n).
 */
record ServeRequest(
    boolean chat,
    Prompt prompt,
    int maxTokens,
    double temperature,
    double topP,
    Long seed,
    List<String> stop,
    boolean logprobs,
    int topLogprobs,
    boolean echo,
    boolean stream,
    boolean includeUsage,
    KvSpec kv,
    String model,
    int[] promptIds,
    int n,
    LogitAdjustments adjust) {

  ServeRequest {
    stop = stop == null ? List.of() : List.copyOf(stop);
    adjust = adjust == null ? LogitAdjustments.NONE : adjust;
  }

  /** The engine request; only when {@code maxTokens >= 1}. */
  CompletionRequest toEngine() { return toEngine(0); }

  /**
   * The engine request of sample {@code j} of n: a given seed becomes {@code seed + j}, so the n samples are
   * reproducible and differ from one another (greedy ones are equal anyway).
   */
  CompletionRequest toEngine(int j) {
    Long s = seed == null ? null : seed + j;
    return new CompletionRequest(prompt, maxTokens, temperature, topP, s, stop, logprobs, logprobs ? topLogprobs : 0, kv, adjust);
  }

  /** Whether the prompt came as token ids (then {@link #promptIds} is scored exactly as sent). */
  boolean hasIds() { return promptIds != null; }

  /** The prompt text of a completions request (prefill never set there). */
  String text() { return prompt.text(); }
}
