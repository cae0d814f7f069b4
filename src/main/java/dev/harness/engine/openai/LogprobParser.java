package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads token log-probabilities out of OpenAI-compatible responses (one response object as a Jackson tree; also the
 * choices of streaming chunks), in the three formats of reference/kl.md:
 *
 * <ul>
 *   <li>chat: {@code choices[i].logprobs.content[] = {token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}}
 *   <li>legacy completions: {@code choices[i].logprobs = {tokens[], token_logprobs[], top_logprobs: [{tok: lp}],
 *       text_offset[]}}
 *   <li>vLLM {@code prompt_logprobs}: a list (first entry null) of {@code {token_id: {logprob, rank, decoded_token}}};
 *       the first key of each entry is the prompt token itself (vLLM puts it before the top-k).
 * </ul>
 *
 * Top lists are returned most probable first. A missing log-probability (the first echoed prompt token) is
 * {@code NaN}. Token ids are -1 unless the server gives them (vLLM's {@code token_id:123} token strings, or
 * {@code prompt_logprobs} keys). No renormalisation, no flooring.
 */
public final class LogprobParser {
  private static final Pattern TOKEN_ID = Pattern.compile("^token_id:(\\d+)$");

  private LogprobParser() {}

  /** A token with its character (code point) offset in the text; -1 when the format has no offsets. */
  public record PositionedToken(TokenLogprob token, int textOffset) {}

  /** Tokens of {@code choices[0]} of a chat or completions response; empty when it carries no log-probs. */
  public static List<TokenLogprob> tokens(JsonNode response) { return tokens(response, 0); }

  public static List<TokenLogprob> tokens(JsonNode response, int choiceIndex) {
    JsonNode choice = response.path("choices").path(choiceIndex);
    return choiceTokens(choice);
  }

  /** True when the choice has a non-null {@code logprobs} object of either format. */
  public static boolean hasLogprobs(JsonNode choice) {
    JsonNode lp = choice.path("logprobs");
    return lp.isObject() && (lp.has("content") || lp.has("tokens"));
  }

  /** Tokens of one choice object (of a full response or a streaming chunk), either format. */
  public static List<TokenLogprob> choiceTokens(JsonNode choice) {
    JsonNode lp = choice.path("logprobs");
    if (!lp.isObject()) return List.of();
    if (lp.has("content")) return chatContent(lp.path("content"));
    if (lp.has("tokens")) return legacy(lp).stream().map(PositionedToken::token).toList();
    return List.of();
  }

  /** The chat format: the {@code logprobs.content} array. */
  public static List<TokenLogprob> chatContent(JsonNode content) {
    List<TokenLogprob> out = new ArrayList<>();
    if (!content.isArray()) return out;
    for (JsonNode t : content) {
      String token = t.path("token").asText("");
      List<TopLogprob> top = new ArrayList<>();
      for (JsonNode a : t.path("top_logprobs")) {
        String at = a.path("token").asText("");
        top.add(new TopLogprob(at, id(a, at), number(a.get("logprob"))));
      }
      out.add(new TokenLogprob(token, id(t, token), number(t.get("logprob")), bytes(t.get("bytes")), sorted(top)));
    }
    return out;
  }

  /** The legacy completions format (a {@code logprobs} object), with text offsets when present. */
  public static List<PositionedToken> legacy(JsonNode logprobs) {
    List<PositionedToken> out = new ArrayList<>();
    JsonNode tokens = logprobs.path("tokens");
    JsonNode lps = logprobs.path("token_logprobs");
    JsonNode tops = logprobs.path("top_logprobs");
    JsonNode offsets = logprobs.path("text_offset");
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i).asText("");
      List<TopLogprob> top = new ArrayList<>();
      JsonNode alt = tops.path(i);
      if (alt.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = alt.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          top.add(new TopLogprob(e.getKey(), tokenId(e.getKey()), number(e.getValue())));
        }
      }
      int offset = offsets.path(i).isNumber() ? offsets.get(i).asInt() : -1;
      out.add(new PositionedToken(new TokenLogprob(token, tokenId(token), number(lps.get(i)), null, sorted(top)), offset));
    }
    return out;
  }

  /**
   * The code-point length of an echoed entry 0 that is not part of {@code prompt} (a BOS the server's tokenizer added:
   * vLLM echoes it as {@code "<s>"} with log-prob null, and its {@code text_offset}s are running sums of the token
   * texts from 0, so every later offset includes its length), else 0. Detected by the texts alone: entry 0 has no
   * log-prob, the entries do not spell the prompt from entry 0, and they do from entry 1 (a trailing generated token
   * may follow the prompt).
   */
  public static int leadingSpecialLength(List<PositionedToken> tokens, String prompt) {
    if (tokens.size() < 2 || !Double.isNaN(tokens.get(0).token().logprob())) return 0;
    String t0 = tokens.get(0).token().token();
    if (t0.isEmpty()) return 0;
    StringBuilder rest = new StringBuilder();
    for (int i = 1; i < tokens.size(); i++) rest.append(tokens.get(i).token().token());
    String all = t0 + rest;
    if (all.startsWith(prompt) || !rest.toString().startsWith(prompt)) return 0;
    return t0.codePointCount(0, t0.length());
  }

  /**
   * vLLM's {@code prompt_logprobs} of a response ({@code choices[0].prompt_logprobs}, else top-level
   * {@code prompt_logprobs}); empty when absent. Entry 0 (null: the first prompt token has no context) becomes a token
   * with an empty text, id from {@code prompt_token_ids} when present, and NaN log-prob.
   */
  public static List<TokenLogprob> promptLogprobs(JsonNode response) {
    JsonNode pl = response.path("choices").path(0).path("prompt_logprobs");
    if (!pl.isArray()) pl = response.path("prompt_logprobs");
    if (!pl.isArray()) return List.of();
    JsonNode ids = response.path("choices").path(0).path("prompt_token_ids");
    if (!ids.isArray()) ids = response.path("prompt_token_ids");
    List<TokenLogprob> out = new ArrayList<>();
    for (int i = 0; i < pl.size(); i++) {
      JsonNode entry = pl.get(i);
      int knownId = ids.path(i).isNumber() ? ids.get(i).asInt() : -1;
      if (entry == null || !entry.isObject() || entry.isEmpty()) {
        out.add(new TokenLogprob("", knownId, Double.NaN, null, List.of()));
        continue;
      }
      List<TopLogprob> top = new ArrayList<>();
      TopLogprob actual = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        int id = parseIntOr(e.getKey(), -1);
        JsonNode v = e.getValue();
        double lp = v.isNumber() ? v.asDouble() : number(v.get("logprob"));
        String text = v.path("decoded_token").asText("");
        TopLogprob t = new TopLogprob(text, id, lp);
        if (knownId >= 0 ? id == knownId : actual == null) actual = t;
        top.add(t); // like the legacy format, the list may hold the prompt token beside the top-k
      }
      if (actual == null) actual = new TopLogprob("", knownId, Double.NaN);
      out.add(new TokenLogprob(actual.token(), actual.id(), actual.logprob(), null, sorted(top)));
    }
    return out;
  }

  private static List<TopLogprob> sorted(List<TopLogprob> top) {
    top.sort(Comparator.comparingDouble((TopLogprob t) -> Double.isNaN(t.logprob()) ? Double.NEGATIVE_INFINITY : t.logprob()).reversed());
    return top;
  }

  private static double number(JsonNode n) {
    return n == null || n.isNull() || !n.isNumber() ? Double.NaN : n.asDouble();
  }

  private static byte[] bytes(JsonNode n) {
    if (n == null || !n.isArray()) return null;
    byte[] b = new byte[n.size()];
    for (int i = 0; i < b.length; i++) b[i] = (byte) n.get(i).asInt();
    return b;
  }

  /** An entry's {@code id} field (the harness's dumps write one), else vLLM's {@code token_id:N} text, else -1. */
  private static int id(JsonNode entry, String token) {
    JsonNode id = entry.get("id");
    return id != null && id.isIntegralNumber() && id.asInt() >= 0 ? id.asInt() : tokenId(token);
  }

  private static int tokenId(String token) {
    Matcher m = TOKEN_ID.matcher(token);
    return m.matches() ? parseIntOr(m.group(1), -1) : -1;
  }

  private static int parseIntOr(String s, int dflt) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
