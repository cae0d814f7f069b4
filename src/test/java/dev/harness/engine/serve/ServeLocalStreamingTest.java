package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Incremental streaming over the real local engine: the chunks add up to the non-streamed answer, token by token. */
class ServeLocalStreamingTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest
  @ValueSource(strings = {"", ", \"stop\": [\"e\", \"the\"]", ", \"echo\": true"})
  void streamedChunksAddUpToTheAnswer(String extra) throws Exception {
    Path model = Path.of("../shared/models/tiny-llama-gqa");
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer s = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), ServerOptions.ephemeral()).start()) {
      String req = "{\"prompt\": \"the cat sat on the\", \"max_tokens\": 12, \"temperature\": 0, \"logprobs\": 2" + extra;
      JsonNode whole = JSON.readTree(post(s, req + "}")).at("/choices/0");
      List<JsonNode> chunks = ServeStreamingTest.events(post(s, req + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}"));
      StringBuilder text = new StringBuilder();
      List<Double> lps = new java.util.ArrayList<>();
      List<Integer> offsets = new java.util.ArrayList<>();
      int contentChunks = 0;
      for (JsonNode c : chunks) {
        if (c.get("choices").isEmpty()) continue;
        JsonNode ch = c.at("/choices/0");
        text.append(ch.get("text").asText());
        if (ch.get("logprobs").isObject()) {
          contentChunks++;
          ch.at("/logprobs/token_logprobs").forEach(x -> lps.add(x.isNull() ? Double.NaN : x.asDouble()));
          ch.at("/logprobs/text_offset").forEach(x -> offsets.add(x.asInt()));
        }
      }
      assertEquals(whole.get("text").asText(), text.toString());
      JsonNode wl = whole.at("/logprobs/token_logprobs");
      assertEquals(wl.size(), lps.size());
      for (int i = 0; i < lps.size(); i++) {
        if (wl.get(i).isNull()) assertTrue(lps.get(i).isNaN()); else assertEquals(wl.get(i).asDouble(), lps.get(i), 1e-9);
        assertEquals(whole.at("/logprobs/text_offset").get(i).asInt(), offsets.get(i), "offset " + i);
      }
      assertTrue(extra.contains("stop") || contentChunks >= 2, "several content chunks, not one: " + contentChunks);
      assertEquals(whole.get("finish_reason").asText(), chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText());
      assertTrue(chunks.get(chunks.size() - 1).at("/usage/completion_tokens").asInt() >= 0);
    }
  }

  private String post(OpenAiServer s, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return resp.body();
  }
}
