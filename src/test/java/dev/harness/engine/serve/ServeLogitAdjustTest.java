package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.LogitAdjustments;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** logit_bias and penalties through serve reach the local engine's sampler; the answer equals the engine's own. */
class ServeLogitAdjustTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void biasAndPenaltiesChangeGenerationAsTheEngineDoes() throws Exception {
    Path model = Path.of("../shared/models/tiny-llama-gqa");
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer s = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), ServerOptions.ephemeral()).start()) {
      int[] ids = local.hfTokenizer().encodeIds(" the cat sat on the", false);
      String prompt = "\"prompt\": [" + java.util.Arrays.stream(ids).mapToObj(Integer::toString).reduce((a, b) -> a + "," + b).get() + "]";
      int forced = ids[1];
      JsonNode biased = post(s, "{" + prompt + ", \"max_tokens\": 6, \"temperature\": 0, \"logprobs\": 0, \"logit_bias\": {\"" + forced + "\": 100}}");
      JsonNode toks = biased.at("/choices/0/logprobs/tokens");
      assertEquals(6, toks.size());
      String piece = local.hfTokenizer().piece(ids[0], forced);
      for (JsonNode t : toks) assertEquals(piece.strip(), t.asText().strip(), "every token is the biased one");

      LogitAdjustments pen = new LogitAdjustments(Map.of(), 1.5, 1.0, 1.3);
      CompletionRequest r = new CompletionRequest(Prompt.text(""), 10, 0.0, 1.0, null, java.util.List.of(), false, 0, null, pen);
      Completion direct = local.complete(ids, r);
      Completion plain = local.complete(ids, CompletionRequest.greedy(Prompt.text(""), 10));
      JsonNode served = post(s, "{" + prompt + ", \"max_tokens\": 10, \"temperature\": 0, \"presence_penalty\": 1.5,"
          + " \"frequency_penalty\": 1.0, \"repetition_penalty\": 1.3}");
      assertEquals(direct.text(), served.at("/choices/0/text").asText());
      assertNotEquals(plain.text(), direct.text(), "the penalties change this greedy answer (else the check proves nothing)");

      assertEquals("presence_penalty", error(s, "{\"prompt\": \"a\", \"presence_penalty\": 2.5}"));
      assertEquals("repetition_penalty", error(s, "{\"prompt\": \"a\", \"repetition_penalty\": 0}"));
      assertEquals("logit_bias", error(s, "{\"prompt\": \"a\", \"logit_bias\": {\"x\": 1}}"));
    }
  }

  private JsonNode post(OpenAiServer s, String body) throws Exception {
    HttpResponse<String> resp = send(s, body);
    assertEquals(200, resp.statusCode(), resp.body());
    return JSON.readTree(resp.body());
  }

  private String error(OpenAiServer s, String body) throws Exception {
    HttpResponse<String> resp = send(s, body);
    assertEquals(400, resp.statusCode(), resp.body());
    return JSON.readTree(resp.body()).at("/error/param").asText();
  }

  private HttpResponse<String> send(OpenAiServer s, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }
}
