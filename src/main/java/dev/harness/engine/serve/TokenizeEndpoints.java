package dev.harness.engine.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's {@code POST /tokenize} and {@code POST /detokenize} (vllm-project/vllm,
 * vllm/entrypoints/openai/protocol.py TokenizeCompletionRequest / TokenizeResponse / DetokenizeRequest /
 * DetokenizeResponse): {@code {"prompt", "add_special_tokens" = true}} → {@code {"count", "max_model_len", "tokens"}};
 * {@code {"tokens"}} → {@code {"prompt"}}.
 */
final class TokenizeEndpoints {
  private TokenizeEndpoints() {}

  static ObjectNode tokenize(ObjectMapper json, Tokenizer tok, JsonNode b, int maxModelLen) {
    JsonNode p = b.get("prompt");
    if (p == null || !p.isTextual()) throw ApiError.invalid("prompt", "'prompt' must be a string.");
    JsonNode s = b.get("add_special_tokens");
    if (s != null && !s.isNull() && !s.isBoolean()) throw ApiError.invalid("add_special_tokens", "'add_special_tokens' must be a boolean.");
    boolean special = s == null || s.isNull() || s.asBoolean();
    List<Integer> ids = tok.encode(p.asText(), special);
    ObjectNode out = json.createObjectNode();
    out.put("count", ids.size());
    out.put("max_model_len", maxModelLen);
    var arr = out.putArray("tokens");
    ids.forEach(arr::add);
    return out;
  }

  static ObjectNode detokenize(ObjectMapper json, Tokenizer tok, JsonNode b) {
    JsonNode t = b.get("tokens");
    if (t == null || !t.isArray()) throw ApiError.invalid("tokens", "'tokens' must be a list of token ids.");
    List<Integer> ids = new ArrayList<>();
    for (JsonNode id : t) {
      if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE) {
        throw ApiError.invalid("tokens", "'tokens' must be non-negative integers, got " + id + ".");
      }
      ids.add(id.asInt());
    }
    return json.createObjectNode().put("prompt", tok.decode(ids));
  }
}
