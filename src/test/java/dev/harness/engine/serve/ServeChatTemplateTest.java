package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.tokenizer.ChatTemplate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Chat on a checkpoint without a chat template (tiny-random-llama has none): vLLM's 400 unless a template is given
 * (then the chat is rendered with it, tokenized without special tokens); /tokenizer_info as vLLM's; --max-model-len.
 */
class ServeChatTemplateTest {
  static final Path LLAMA = Path.of("../shared/models/tiny-random-llama");
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TEMPLATE = "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}"
      + "{% if add_generation_prompt %}<|assistant|>{% endif %}";
  static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"Name a colour.\"}], \"max_tokens\": 6, \"temperature\": 0}";
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void chatNeedsATemplateAndUsesTheOneGiven() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LLAMA), "SKIPPED: " + LLAMA.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(LLAMA, LocalOptions.cpu())) {
      assertEquals(null, local.hfTokenizer().chatTemplate(), "the fixture must have no chat template");
      ChatTemplate t = new ChatTemplate(TEMPLATE, Path.of("test-template.jinja"), local.hfTokenizer().specialTokens());
      try (OpenAiServer none = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), ServerOptions.ephemeral()).start();
          OpenAiServer with = new OpenAiServer(new LocalServedEngine(local, t), "m", local.tokenizer(), ServerOptions.ephemeral()).start()) {
        JsonNode err = send(none, "POST", "/v1/chat/completions", CHAT, 400);
        assertTrue(err.at("/error/message").asText().contains("default chat template is no longer allowed"), err.toString());
        assertTrue(err.at("/error/message").asText().contains("--chat-template"), err.toString());
        send(none, "POST", "/v1/completions", "{\"prompt\": \"a b\", \"max_tokens\": 2}", 200); // completions unaffected

        JsonNode ok = send(with, "POST", "/v1/chat/completions", CHAT, 200);
        String rendered = "<s><|user|>Name a colour.\n<|assistant|>";
        int[] ids = local.hfTokenizer().encodeIds(rendered, false);
        Completion direct = local.complete(ids, CompletionRequest.greedy(Prompt.text(""), 6));
        assertEquals(direct.text(), ok.at("/choices/0/message/content").asText());
        assertEquals(ids.length, ok.at("/usage/prompt_tokens").asInt(), "the template's text, BOS from the template only");
        assertEquals(local.hfTokenizer().specialTokens().bosId(), ids[0]);
        assertFalse(ids.length > 1 && ids[1] == ids[0], "no second BOS");

        // /tokenizer_info: tokenizer_config.json's fields, added tokens as text, the loaded (fast) class, the template
        JsonNode info = send(with, "GET", "/tokenizer_info", null, 200);
        assertEquals("</s>", info.get("eos_token").asText());
        assertEquals("<s>", info.get("bos_token").asText());
        assertEquals("LlamaTokenizerFast", info.get("tokenizer_class").asText());
        assertEquals(2048, info.get("model_max_length").asInt());
        assertEquals(TEMPLATE, info.get("chat_template").asText());
        assertFalse(send(none, "GET", "/tokenizer_info", null, 200).has("chat_template"));

        // the templated chat prompt counts against the window (vLLM's check), not just max_tokens
        with.maxModelLen(ids.length + 5);
        assertEquals("prompt", send(with, "POST", "/v1/chat/completions", CHAT, 400).at("/error/param").asText());
        with.maxModelLen(ids.length + 6);
        send(with, "POST", "/v1/chat/completions", CHAT, 200);
      }
    }
  }

  @Test
  void maxModelLenCapsTheWindow() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LLAMA), "SKIPPED: " + LLAMA.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(LLAMA, LocalOptions.cpu());
        OpenAiServer s = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), ServerOptions.ephemeral()).start()) {
      assertThrows(IllegalArgumentException.class, () -> s.maxModelLen(local.maxLength() + 1));
      s.maxModelLen(16);
      assertEquals(16, send(s, "GET", "/v1/models", null, 200).at("/data/0/max_model_len").asInt());
      assertEquals(16, send(s, "POST", "/tokenize", "{\"prompt\": \"a\"}", 200).get("max_model_len").asInt());
      String ten = "[1,2,3,4,5,6,7,8,9,10]";
      send(s, "POST", "/v1/completions", "{\"prompt\": " + ten + ", \"max_tokens\": 6}", 200);
      assertEquals("prompt", send(s, "POST", "/v1/completions", "{\"prompt\": " + ten + ", \"max_tokens\": 7}", 400).at("/error/param").asText());
      assertEquals("max_tokens", send(s, "POST", "/v1/completions", "{\"prompt\": \"a\", \"max_tokens\": 17}", 400).at("/error/param").asText());
    }
  }

  private JsonNode send(OpenAiServer s, String method, String path, String body, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).header("Content-Type", "application/json");
    b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, resp.statusCode(), resp.body());
    return JSON.readTree(resp.body());
  }
}
