package dev.harness.study.kl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.openai.LogprobParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dump line format: {@code {prompt_id, prompt, model, sample_index, response, cross?}} where {@code response} is
 * the provider's JSON response (chat or legacy completions, read by {@link LogprobParser}) and the optional
 * {@code cross = {model, response}} holds the other model's teacher-forced log-probs (with top-k) of exactly this
 * response's tokens (e.g. from the local engine's {@code score}, or vLLM {@code echo} with the prompt tokens cut),
 * which {@code mc} needs.
 */
public final class DumpLine {
  private DumpLine() {}

  /** The line's prompt id, or null when absent / not a scalar. */
  static String promptId(JsonNode line) {
    JsonNode id = line.get("prompt_id");
    return id == null || !id.isValueNode() || id.isNull() ? null : id.asText();
  }

  /** sample_index, or -1 when absent. */
  static int sampleIndex(JsonNode line) {
    JsonNode s = line.get("sample_index");
    return s != null && s.canConvertToInt() ? s.asInt() : -1;
  }

  static JsonNode response(JsonNode line) {
    JsonNode r = line.get("response");
    return r != null && r.isObject() ? r : null;
  }

  static JsonNode crossResponse(JsonNode line) {
    JsonNode c = line.path("cross").path("response");
    return c.isObject() ? c : null;
  }

  /** The other model's scores of the line's tokens, or null when absent. */
  static List<TokenLogprob> crossTokens(JsonNode line) {
    JsonNode c = crossResponse(line);
    if (c == null) return null;
    List<TokenLogprob> t = LogprobParser.tokens(c);
    return t.isEmpty() ? LogprobParser.promptLogprobs(c) : t;
  }

  /** True when the cross tokens align one to one (same count, same texts) with the response's tokens. */
  static boolean crossAligned(List<TokenLogprob> tokens, List<TokenLogprob> cross) {
    if (cross == null || cross.size() != tokens.size()) return false;
    for (int i = 0; i < tokens.size(); i++) if (!tokens.get(i).token().equals(cross.get(i).token())) return false;
    return true;
  }

  /** Parses a whole line; the caller has validated prompt_id and response. */
  static DumpRecord parse(JsonNode line, int sampleIndex, String where) {
    JsonNode response = response(line);
    List<TokenLogprob> tokens = LogprobParser.tokens(response);
    List<TokenLogprob> cross = crossTokens(line);
    if (cross != null && !crossAligned(tokens, cross)) cross = null;
    JsonNode prompt = line.get("prompt");
    String promptText = prompt == null || prompt.isNull() ? "" : prompt.isTextual() ? prompt.asText() : prompt.toString();
    return new DumpRecord(promptId(line), promptText, line.path("model").asText(""), sampleIndex,
        text(response, tokens), tokens, cross, cross == null ? null : line.path("cross").path("model").asText(""),
        where);
  }

  /** Bytes-rebuilt text when every token has bytes, else the provider's text, else the concatenated tokens. */
  public static String text(JsonNode response, List<TokenLogprob> tokens) {
    String fromBytes = fromBytes(tokens);
    if (fromBytes != null) return fromBytes;
    JsonNode choice = response.path("choices").path(0);
    JsonNode content = choice.path("message").path("content");
    if (content.isTextual()) return content.asText();
    if (choice.path("text").isTextual()) return choice.path("text").asText();
    StringBuilder sb = new StringBuilder();
    for (TokenLogprob t : tokens) sb.append(t.token());
    return sb.toString();
  }

  /**
   * UTF-8 text of the concatenated token bytes (a character split across tokens comes back whole); null when a token
   * has no bytes or there are no tokens. Invalid UTF-8 is decoded with U+FFFD replacements.
   */
  public static String fromBytes(List<TokenLogprob> tokens) {
    if (tokens.isEmpty()) return null;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TokenLogprob t : tokens) {
      if (t.bytes() == null) return null;
      out.writeBytes(t.bytes());
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(e); // unreachable with REPLACE
    }
  }
}
