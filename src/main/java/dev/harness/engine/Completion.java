package dev.harness.engine;

import java.util.List;

/**
 * A finished generation. {@code finishReason} is "stop", "length" or what the server said; {@code tokens} is empty
 * unless log-probs were asked for. {@code truncatedPrompt} is true when the engine shortened the prompt to fit.
 */
public record Completion(
    String text,
    String finishReason,
    List<TokenLogprob> tokens,
    Usage usage,
    Telemetry telemetry,
    boolean truncatedPrompt) {

  public Completion {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    usage = usage == null ? Usage.unknown() : usage;
  }
}
