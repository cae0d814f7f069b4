package dev.harness.engine.local.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** One server, one loaded base, the base model and a LoRA adapter as two model ids picked per request. */
class ServeAdaptersTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void requestsPickTheAdapterByModelId() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LoraParityTest.ADAPTER), "SKIPPED: ../shared/models absent");
    try (LocalEngine base = LocalEngine.open(LoraParityTest.BASE, LocalOptions.cpu())) {
      LocalEngine lora = base.withAdapter(base.addAdapter("peft", LoraParityTest.ADAPTER));
      Map<String, Engine> models = new LinkedHashMap<>();
      models.put("tiny", base);
      models.put("tiny-peft", lora);
      try (OpenAiServer server = new OpenAiServer(models, base.tokenizer(), ServerOptions.localhost(0), null).start()) {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(List.of("tiny", "tiny-peft"), List.of(list.get("data").get(0).get("id").asText(), list.get("data").get(1).get("id").asText()));
        String prompt = "hello there";
        String expectBase = base.complete(CompletionRequest.greedy(Prompt.text(prompt), 8)).text();
        String expectLora = lora.complete(CompletionRequest.greedy(Prompt.text(prompt), 8)).text();
        assertNotEquals(expectBase, expectLora, "the adapter must change the greedy text for this check to mean anything");
        for (int round = 0; round < 2; round++) {
          JsonNode a = post(http, server.baseUrl(), "tiny-peft", prompt);
          JsonNode b = post(http, server.baseUrl(), "tiny", prompt);
          JsonNode d = post(http, server.baseUrl(), null, prompt);
          assertEquals(expectLora, a.get("choices").get(0).get("text").asText());
          assertEquals("tiny-peft", a.get("model").asText());
          assertEquals(expectBase, b.get("choices").get(0).get("text").asText());
          assertEquals(expectBase, d.get("choices").get(0).get("text").asText(), "no model field: the first (base)");
          assertEquals("tiny", d.get("model").asText());
        }
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"nope\", \"prompt\": \"x\", \"max_tokens\": 2}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
      }
      lora.close();
    }
  }

  static JsonNode post(HttpClient http, URI base, String model, String prompt) throws Exception {
    var body = JSON.createObjectNode().put("prompt", prompt).put("max_tokens", 8).put("temperature", 0);
    if (model != null) body.put("model", model);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/completions")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
