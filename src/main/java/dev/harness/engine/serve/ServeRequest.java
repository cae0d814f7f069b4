package dev.harness.engine.serve;

import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import java.util.List;

/**
 * One validated chat or completions request. {@code maxTokens} may be 0 (completions only: nothing is generated, the
 * answer is the echoed prompt or empty). {@code topLogprobs} is the number of alternatives per position. {@code model}
 * is the served model id the request addressed (the default one when it named none).
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
    int[] promptIds) {

  ServeRequest {
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  /** The engine request; only when {@code maxTokens >= 1}. */
  CompletionRequest toEngine() {
    return new CompletionRequest(prompt, maxTokens, temperature, topP, seed, stop, logprobs, logprobs ? topLogprobs : 0, kv);
  }

  /** Whether the prompt came as token ids (then {@link #promptIds} is scored exactly as sent). */
  boolean hasIds() { return promptIds != null; }

  /** The prompt text of a completions request (prefill never set there). */
  String text() { return prompt.text(); }
}
