package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Usage;
import java.util.List;

/** Parses a whole (non-streamed) chat or completions response object; streaming chunks go to {@link StreamAccumulator}. */
public final class ResponseParser {
  private ResponseParser() {}

  /** @throws IllegalArgumentException when the object has no {@code choices[0]} */
  public static ParsedResponse parse(JsonNode response) {
    JsonNode choice = response.path("choices").path(0);
    if (!choice.isObject()) throw new IllegalArgumentException("response has no choices[0]");
    String text = choice.has("message") ? textOf(choice.path("message").get("content")) : textOf(choice.get("text"));
    List<TokenLogprob> tokens = LogprobParser.hasLogprobs(choice) ? LogprobParser.choiceTokens(choice) : null;
    return new ParsedResponse(text, finishReason(choice), tokens, usage(response.get("usage")), textOrNull(response.get("id")),
        textOrNull(response.get("provider")));
  }

  static String finishReason(JsonNode choice) { return textOrNull(choice.get("finish_reason")); }

  static Usage usage(JsonNode u) {
    if (u == null || !u.isObject()) return Usage.unknown();
    return new Usage(u.path("prompt_tokens").asInt(-1), u.path("completion_tokens").asInt(-1));
  }

  /** Message content as text: a string, or the text parts of a content array; null → "". */
  static String textOf(JsonNode n) {
    if (n == null || n.isNull()) return "";
    if (n.isTextual()) return n.asText();
    if (n.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : n) if (part.path("text").isTextual()) sb.append(part.path("text").asText());
      return sb.toString();
    }
    return n.toString();
  }

  static String textOrNull(JsonNode n) { return n == null || n.isNull() ? null : n.asText(); }
}
