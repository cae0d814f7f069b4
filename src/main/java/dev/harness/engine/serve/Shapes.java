package dev.harness.engine.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's response and chunk shapes. Log-probs: NaN → {@code null}; −∞ → −9999.0 (vLLM's stand-in, JSON has no
 * infinity). {@code bytes}: the engine's raw token bytes when it has them, else the UTF-8 bytes of the token text, as
 * unsigned ints.
 */
final class Shapes {
  static final double NEG_INF_LOGPROB = -9999.0;

  private final ObjectMapper json;
  private final String model;

  Shapes(ObjectMapper json, String model) {
    this.json = json;
    this.model = model;
  }

  ObjectNode head(String id, String object, long created) { return head(id, object, created, model); }

  /** The common head of a response for served model {@code modelId}. */
  ObjectNode head(String id, String object, long created, String modelId) {
    ObjectNode o = json.createObjectNode();
    o.put("id", id);
    o.put("object", object);
    o.put("created", created);
    o.put("model", modelId == null ? model : modelId);
    return o;
  }

  /** {@code {"content": [...]}} of a chat choice. */
  ObjectNode chatLogprobs(List<TokenLogprob> tokens) {
    ObjectNode lp = json.createObjectNode();
    ArrayNode content = lp.putArray("content");
    for (TokenLogprob t : tokens) {
      ObjectNode e = content.addObject();
      e.put("token", t.token());
      logprob(e, "logprob", t.logprob());
      bytes(e, t.bytes(), t.token());
      ArrayNode top = e.putArray("top_logprobs");
      for (TopLogprob a : t.top()) {
        ObjectNode x = top.addObject();
        x.put("token", a.token());
        logprob(x, "logprob", a.logprob());
        bytes(x, null, a.token());
      }
    }
    return lp;
  }

  /**
   * The legacy {@code logprobs} object. {@code withTop}: one {@code {token: logprob}} object per position (null for a
   * position without alternatives, like the first echoed token); false (logprobs 0) → null entries throughout. A token
   * text repeated inside one top list keeps its most probable entry.
   */
  ObjectNode legacyLogprobs(List<TokenLogprob> tokens, int[] offsets, boolean withTop) {
    ObjectNode lp = json.createObjectNode();
    ArrayNode toks = lp.putArray("tokens");
    ArrayNode lps = lp.putArray("token_logprobs");
    ArrayNode tops = lp.putArray("top_logprobs");
    ArrayNode offs = lp.putArray("text_offset");
    for (int i = 0; i < tokens.size(); i++) {
      TokenLogprob t = tokens.get(i);
      toks.add(t.token());
      if (Double.isNaN(t.logprob())) lps.addNull(); else lps.add(finite(t.logprob()));
      if (!withTop || t.top().isEmpty()) {
        tops.addNull();
      } else {
        ObjectNode m = tops.addObject();
        for (TopLogprob a : t.top()) if (!m.has(a.token())) logprob(m, a.token(), a.logprob());
      }
      offs.add(offsets[i]);
    }
    return lp;
  }

  ObjectNode usage(int prompt, int completion) {
    ObjectNode u = json.createObjectNode();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt < 0 || completion < 0 ? -1 : prompt + completion);
    return u;
  }

  static ObjectNode error(ObjectMapper json, ApiError e) {
    ObjectNode o = json.createObjectNode();
    ObjectNode err = o.putObject("error");
    err.put("message", e.getMessage() == null ? "error" : e.getMessage());
    err.put("type", e.type());
    if (e.param() == null) err.putNull("param"); else err.put("param", e.param());
    if (e.code() == null) err.putNull("code"); else err.put("code", e.code());
    return o;
  }

  private static void logprob(ObjectNode o, String name, double lp) {
    if (Double.isNaN(lp)) o.putNull(name); else o.put(name, finite(lp));
  }

  private static double finite(double lp) {
    return lp == Double.NEGATIVE_INFINITY ? NEG_INF_LOGPROB : lp;
  }

  private static void bytes(ObjectNode o, byte[] raw, String token) {
    byte[] b = raw != null ? raw : token.getBytes(StandardCharsets.UTF_8);
    ArrayNode a = o.putArray("bytes");
    for (byte x : b) a.add(x & 0xff);
  }
}
