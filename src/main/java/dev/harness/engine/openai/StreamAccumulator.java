package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the SSE chunks of one streamed chat or completions response ({@code choices[0].delta.content} or
 * {@code choices[0].text}, chunk log-probs, the last non-null finish reason, the usage chunk). Not thread-safe.
 */
public final class StreamAccumulator {
  private final StringBuilder text = new StringBuilder();
  private final List<TokenLogprob> tokens = new ArrayList<>();
  private boolean sawLogprobs;
  private String finishReason;
  private Usage usage = Usage.unknown();
  private String id;
  private String provider;

  /** Adds one chunk; returns true when it carried content (text or tokens). */
  public boolean accept(JsonNode chunk) {
    if (id == null) id = ResponseParser.textOrNull(chunk.get("id"));
    if (provider == null) provider = ResponseParser.textOrNull(chunk.get("provider"));
    if (chunk.path("usage").isObject()) usage = ResponseParser.usage(chunk.get("usage"));
    JsonNode choice = chunk.path("choices").path(0);
    if (!choice.isObject()) return false;
    String piece = choice.has("delta") ? ResponseParser.textOf(choice.path("delta").get("content")) : ResponseParser.textOf(choice.get("text"));
    text.append(piece);
    boolean hadTokens = false;
    if (LogprobParser.hasLogprobs(choice)) {
      sawLogprobs = true;
      List<TokenLogprob> t = LogprobParser.choiceTokens(choice);
      tokens.addAll(t);
      hadTokens = !t.isEmpty();
    }
    String fr = ResponseParser.finishReason(choice);
    if (fr != null) finishReason = fr;
    return !piece.isEmpty() || hadTokens;
  }

  public ParsedResponse result() {
    return new ParsedResponse(text.toString(), finishReason, sawLogprobs ? List.copyOf(tokens) : null, usage, id, provider);
  }
}
