package dev.harness.study.kl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * The study's side of the dump format: a sampled completion as an OpenAI chat-completions response object
 * ({@code choices[0].logprobs.content[] = {token, logprob, bytes?, top_logprobs}}), which {@code harness kl} and
 * {@link DumpLine} read back; and token rows for the store.
 */
final class KlResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private KlResponses() {}

  /** A chat-completions response holding {@code text} and the tokens' log-probs and top-k. */
  static ObjectNode chat(String model, String provider, String text, String finishReason, List<TokenLogprob> tokens,
      Integer promptTokens) {
    ObjectNode r = JSON.createObjectNode().put("object", "chat.completion").put("model", model);
    if (provider != null) r.put("provider", provider);
    ObjectNode choice = r.putArray("choices").addObject().put("index", 0);
    if (finishReason != null) choice.put("finish_reason", finishReason);
    choice.putObject("message").put("role", "assistant").put("content", text);
    ArrayNode content = choice.putObject("logprobs").putArray("content");
    for (TokenLogprob t : tokens) {
      ObjectNode o = content.addObject().put("token", t.token()).put("logprob", t.logprob());
      if (t.id() >= 0) o.put("id", t.id()); // an extension: byte-fallback tokens share a text ("\uFFFD"), not an id
      if (t.bytes() != null) bytes(o, t.bytes());
      ArrayNode top = o.putArray("top_logprobs");
      for (TopLogprob a : t.top()) {
        ObjectNode e = top.addObject().put("token", a.token()).put("logprob", a.logprob());
        if (a.id() >= 0) e.put("id", a.id());
      }
    }
    ObjectNode usage = r.putObject("usage").put("completion_tokens", tokens.size());
    if (promptTokens != null) usage.put("prompt_tokens", promptTokens);
    return r;
  }

  /** Token rows for the store: position, text, id (null when unknown), log-prob, top-k as JSON. */
  static List<KlTables.TokenRow> rows(List<TokenLogprob> tokens) {
    List<KlTables.TokenRow> out = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      TokenLogprob t = tokens.get(i);
      ArrayNode top = JSON.createArrayNode();
      for (TopLogprob a : t.top()) {
        ObjectNode o = top.addObject().put("token", a.token()).put("logprob", a.logprob());
        if (a.id() >= 0) o.put("id", a.id());
      }
      out.add(new KlTables.TokenRow(i, t.token(), t.id() >= 0 ? t.id() : null, t.logprob(), top.toString()));
    }
    return out;
  }

  /** Token rows back to tokens (no bytes). */
  static List<TokenLogprob> tokens(List<KlTables.TokenRow> rows) {
    List<TokenLogprob> out = new ArrayList<>(rows.size());
    for (KlTables.TokenRow r : rows) {
      List<TopLogprob> top = new ArrayList<>();
      for (JsonNode a : parse(r.topJson())) {
        top.add(new TopLogprob(a.path("token").asText(), a.path("id").asInt(-1), a.path("logprob").asDouble()));
      }
      out.add(new TokenLogprob(r.token(), r.tokenId() == null ? -1 : r.tokenId(), r.logprob(), null, top));
    }
    return out;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
    }
  }

  private static void bytes(ObjectNode o, byte[] b) {
    ArrayNode a = o.putArray("bytes");
    for (byte x : b) a.add(x & 0xff);
  }
}
