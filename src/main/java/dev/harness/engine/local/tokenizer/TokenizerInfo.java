package dev.harness.engine.local.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.weights.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What vLLM's {@code GET /tokenizer_info} returns (vllm-project/vllm, vllm/entrypoints/openai/serving_tokenization.py,
 * {@code TokenizerInfo._get_tokenizer_config}): the tokenizer's init kwargs, i.e. tokenizer_config.json, without
 * {@code vocab_file} / {@code merges_file}, added-token objects reduced to their {@code content}
 * ({@code _make_json_serializable}), {@code tokenizer_class} the loaded class' name, and {@code chat_template} when
 * the server was given one. The loaded class is the fast one (transformers' AutoTokenizer with a tokenizer.json), so a
 * config's {@code LlamaTokenizer} is reported as {@code LlamaTokenizerFast}. lm-eval's {@code RemoteTokenizer} reads
 * {@code eos_token}, {@code bos_token}, {@code pad_token} and {@code chat_template} from it.
 */
public final class TokenizerInfo {
  private TokenizerInfo() {}

  public static Map<String, Object> of(Path dir, String chatTemplateOrNull) {
    ObjectMapper json = new ObjectMapper();
    Path file = dir.resolve("tokenizer_config.json");
    ObjectNode cfg = json.createObjectNode();
    if (Files.isRegularFile(file)) {
      try {
        JsonNode n = json.readTree(file.toFile());
        if (n instanceof ObjectNode o) cfg = o;
      } catch (IOException e) {
        throw CheckpointException.of(file, "not valid JSON");
      }
    }
    cfg.remove("vocab_file");
    cfg.remove("merges_file");
    ObjectNode out = (ObjectNode) flatten(cfg, json);
    String cls = cfg.path("tokenizer_class").asText("PreTrainedTokenizer");
    out.put("tokenizer_class", cls.endsWith("Fast") ? cls : cls + "Fast");
    if (chatTemplateOrNull != null) out.put("chat_template", chatTemplateOrNull);
    @SuppressWarnings("unchecked")
    Map<String, Object> m = json.convertValue(out, LinkedHashMap.class);
    return m;
  }

  /** Added-token objects ({@code {"content": ..., "special": ...}} or {@code "__type": "AddedToken"}) → their text. */
  private static JsonNode flatten(JsonNode n, ObjectMapper json) {
    if (n.isObject()) {
      if (n.path("content").isTextual() && (n.has("__type") || n.has("special") || n.has("lstrip") || n.has("rstrip"))) {
        return json.getNodeFactory().textNode(n.get("content").asText());
      }
      ObjectNode o = json.createObjectNode();
      n.fields().forEachRemaining(e -> o.set(e.getKey(), flatten(e.getValue(), json)));
      return o;
    }
    if (n.isArray()) {
      var a = json.createArrayNode();
      n.forEach(x -> a.add(flatten(x, json)));
      return a;
    }
    return n;
  }
}
