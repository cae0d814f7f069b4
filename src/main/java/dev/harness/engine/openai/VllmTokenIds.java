package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenIds;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link TokenIds} through vLLM's {@code POST /tokenize} at the server root (the base URL without its {@code /v1};
 * vllm-project/vllm vllm/entrypoints/openai/api_server.py {@code tokenize}, protocol.py
 * {@code TokenizeCompletionRequest} {@code {model, prompt, add_special_tokens}} and {@code TokenizeChatRequest}
 * {@code {model, messages, add_generation_prompt, continue_final_message}} → {@code {count, max_model_len, tokens}}).
 * {@link #probe} asks once with a one-word text prompt and once with a one-message chat; a server without the endpoint
 * (OpenAI, OpenRouter), or with only its text form ({@code harness serve}), lacks the capability. Calls go out once each, with no retries.
 */
final class VllmTokenIds implements TokenIds {
  private static final MediaType JSON = MediaType.get("application/json");
  private final OkHttpClient http;
  private final ObjectMapper json;
  private final OpenAiSettings settings;
  private final String url;
  private final int window;

  private VllmTokenIds(OkHttpClient http, ObjectMapper json, OpenAiSettings settings, String url, int window) {
    this.http = http;
    this.json = json;
    this.settings = settings;
    this.url = url;
    this.window = window;
  }

  /** {@code <base url without /v1>/tokenize}. */
  static String tokenizeUrl(String baseUrl) {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (b.endsWith("/v1")) b = b.substring(0, b.length() - 3);
    return b + "/tokenize";
  }

  /** The capability when the first replica offers {@code /tokenize} with a {@code max_model_len}; else empty. */
  static Optional<TokenIds> probe(OkHttpClient http, ObjectMapper json, OpenAiSettings settings) {
    String url = tokenizeUrl(settings.baseUrls().get(0));
    VllmTokenIds probe = new VllmTokenIds(http, json, settings, url, -1);
    try {
      JsonNode r = probe.post(probe.textBody("hello", true));
      if (!r.path("tokens").isArray() || !r.path("max_model_len").canConvertToInt() || r.path("max_model_len").asInt() < 1) {
        return Optional.empty();
      }
      if (!probe.post(probe.chatBody(Prompt.chat(java.util.List.of(Message.user("hello"))))).path("tokens").isArray()) {
        return Optional.empty();
      }
      return Optional.of(new VllmTokenIds(http, json, settings, url, r.path("max_model_len").asInt()));
    } catch (EngineException e) {
      return Optional.empty();
    }
  }

  @Override
  public int[] promptIds(Prompt p) {
    if (!p.isChat()) return ids(post(textBody(p.prefill() == null ? p.text() : p.text() + p.prefill(), true)));
    return ids(post(chatBody(p)));
  }

  private ObjectNode chatBody(Prompt p) {
    ObjectNode b = json.createObjectNode();
    b.put("model", settings.model());
    ArrayNode msgs = b.putArray("messages");
    for (Message m : p.messages()) msgs.addObject().put("role", m.role()).put("content", m.content());
    if (p.prefill() != null) {
      msgs.addObject().put("role", "assistant").put("content", p.prefill());
      b.put("add_generation_prompt", false);
      b.put("continue_final_message", true);
    } else {
      b.put("add_generation_prompt", true);
    }
    return b;
  }

  /**
   * Text prompts only: ids(text + continuation) after ids(text), which must be a prefix of it (else the tokenizer
   * merged across the boundary and the split is refused). A chat prompt's continuation would need the template's
   * rendered text, which {@code /tokenize} does not return.
   */
  @Override
  public int[] continuationIds(Prompt p, String continuation) {
    if (p.isChat()) {
      throw new IllegalArgumentException("continuation ids over /tokenize need a text prompt (the server does not return"
          + " the rendered chat template)");
    }
    String text = p.prefill() == null ? p.text() : p.text() + p.prefill();
    int[] ctx = ids(post(textBody(text, true)));
    int[] whole = ids(post(textBody(text + continuation, true)));
    if (whole.length < ctx.length || !Arrays.equals(Arrays.copyOf(whole, ctx.length), ctx)) {
      throw new IllegalArgumentException("the continuation merges with the prompt's last token; its ids do not follow"
          + " the prompt's ids");
    }
    return Arrays.copyOfRange(whole, ctx.length, whole.length);
  }

  @Override
  public int contextWindow() { return window; }

  private ObjectNode textBody(String text, boolean special) {
    ObjectNode b = json.createObjectNode();
    b.put("model", settings.model());
    b.put("prompt", text);
    b.put("add_special_tokens", special);
    return b;
  }

  private static int[] ids(JsonNode r) {
    JsonNode t = r.path("tokens");
    if (!t.isArray()) throw new EngineException(ErrorKind.ENGINE_ERROR, 200, 1, "/tokenize: no tokens[] in the body", null);
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) out[i] = t.get(i).asInt();
    return out;
  }

  private JsonNode post(ObjectNode body) {
    Request.Builder rb = new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON));
    if (settings.hasApiKey()) rb.header("Authorization", "Bearer " + settings.apiKey());
    try (Response resp = http.newCall(rb.build()).execute()) {
      String text = resp.body().string();
      if (!resp.isSuccessful()) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, resp.code(), 1, "/tokenize: HTTP " + resp.code(), null);
      }
      return json.readTree(text);
    } catch (IOException e) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, null, 1, "/tokenize: " + e.getMessage(), e);
    }
  }
}
