package dev.harness.engine;

import java.util.List;

/**
 * One generation request. {@code topLogprobs} is the number of alternatives per position (0 = none) and only matters
 * when {@code logprobs} is true. {@code kv} is null when the request asks for no compression. {@code adjust}: logit bias
 * and penalties (never null; {@link LogitAdjustments#NONE} unless a server request asked; engines that cannot apply
 * them leave them unapplied, see {@link LogitAdjustments}).
 */
public record CompletionRequest(
    Prompt prompt,
    int maxTokens,
    double temperature,
    double topP,
    Long seed,
    List<String> stop,
    boolean logprobs,
    int topLogprobs,
    KvSpec kv,
    LogitAdjustments adjust) {

  public CompletionRequest {
    stop = stop == null ? List.of() : List.copyOf(stop);
    adjust = adjust == null ? LogitAdjustments.NONE : adjust;
    if (maxTokens < 1) throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
  }

  public CompletionRequest(Prompt prompt, int maxTokens, double temperature, double topP, Long seed, List<String> stop,
      boolean logprobs, int topLogprobs, KvSpec kv) {
    this(prompt, maxTokens, temperature, topP, seed, stop, logprobs, topLogprobs, kv, LogitAdjustments.NONE);
  }

  public CompletionRequest withAdjust(LogitAdjustments a) {
    return new CompletionRequest(prompt, maxTokens, temperature, topP, seed, stop, logprobs, topLogprobs, kv, a);
  }

  public static CompletionRequest greedy(Prompt prompt, int maxTokens) {
    return new CompletionRequest(prompt, maxTokens, 0.0, 1.0, null, List.of(), false, 0, null);
  }

  public CompletionRequest withKv(KvSpec kv) {
    return new CompletionRequest(prompt, maxTokens, temperature, topP, seed, stop, logprobs, topLogprobs, kv, adjust);
  }

  public CompletionRequest withLogprobs(int top) {
    return new CompletionRequest(prompt, maxTokens, temperature, topP, seed, stop, true, top, kv, adjust);
  }
}
