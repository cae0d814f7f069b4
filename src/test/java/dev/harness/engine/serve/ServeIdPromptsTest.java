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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token-id prompts over real checkpoints, a BOS-adding tokenizer (tiny-random-llama) and a GPT-2 one: scored exactly as
 * sent, equal to {@code LocalEngine.logSoftmaxAll(ids)} (what {@code harness logprobs --ids} prints) within 1e-6, and
 * lm-eval's loglikelihood rule over them equals the local engine's sum.
 *
 * <p>lm-eval's rules (EleutherAI/lm-evaluation-harness, lm_eval/models/openai_completions.py, LocalCompletionsAPI):
 * {@code _create_payload(generate=False)} sends {@code {"prompt": ids, "temperature": 0, "max_tokens": 1,
 * "logprobs": 1, "echo": true}}; {@code parse_logprobs} takes {@code sum(token_logprobs[ctxlen:-1])} (the last entry is
 * the one generated token) and is_greedy from {@code top_logprobs[ctxlen:-1]}.
 */
class ServeIdPromptsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest
  @ValueSource(strings = {"../shared/models/tiny-random-llama", "../shared/models/tiny-random-gpt2"})
  void idsAreScoredExactlyAsSentAndRefusalsAreVllms(String dir) throws Exception {
    Path model = Path.of(dir);
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer server = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), ServerOptions.ephemeral())
            .apiKey("sekrit").start()) {
      int[] ids = {450, 4996, 17354, 1701, 29871, 13};
      for (int i = 0; i < ids.length; i++) ids[i] %= local.vocabSize();
      double[][] lp = local.logSoftmaxAll(ids);

      JsonNode r = post(server, "/v1/completions", "{\"prompt\": [" + join(ids) + "], \"max_tokens\": 0, \"echo\": true,"
          + " \"logprobs\": 1}", 200);
      JsonNode lps = r.at("/choices/0/logprobs");
      assertEquals(ids.length, lps.get("tokens").size(), "one entry per id sent, no hidden BOS");
      assertTrue(lps.get("token_logprobs").get(0).isNull(), "the first prompt token has no log-prob");
      for (int p = 1; p < ids.length; p++) {
        assertEquals(lp[p - 1][ids[p]], lps.get("token_logprobs").get(p).asDouble(), 1e-6, "position " + p);
      }
      assertEquals(ids.length, r.at("/usage/prompt_tokens").asInt());

      // lm-eval loglikelihood: context = ids[0..4), continuation = ids[4..); max_tokens 1 adds one generated entry.
      int ctxlen = 4;
      JsonNode le = post(server, "/v1/completions", "{\"model\": \"m\", \"prompt\": [" + join(ids) + "], \"temperature\": 0,"
          + " \"max_tokens\": 1, \"logprobs\": 1, \"seed\": 1234, \"echo\": true}", 200).at("/choices/0/logprobs/token_logprobs");
      assertEquals(ids.length + 1, le.size());
      double sum = 0;
      for (int p = ctxlen; p < le.size() - 1; p++) sum += le.get(p).asDouble();
      double expected = 0;
      for (int p = ctxlen; p < ids.length; p++) expected += lp[p - 1][ids[p]];
      assertEquals(expected, sum, 1e-6);

      // refusals (400, named field)
      assertEquals("prompt", post(server, "/v1/completions", "{\"prompt\": [[1, " + local.vocabSize() + "]]}", 400).at("/error/param").asText());
      assertEquals("logprobs", post(server, "/v1/completions", "{\"prompt\": \"a\", \"logprobs\": 21}", 400).at("/error/param").asText());
      assertEquals("top_logprobs", post(server, "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}],"
          + " \"logprobs\": true, \"top_logprobs\": 21}", 400).at("/error/param").asText());
      assertEquals("response_format", post(server, "/v1/completions", "{\"prompt\": \"a\", \"response_format\": {\"type\": \"json_object\"}}", 400)
          .at("/error/param").asText());
      assertEquals("logit_bias", post(server, "/v1/completions", "{\"prompt\": \"a\", \"logit_bias\": {\"" + local.vocabSize() + "\": 10}}", 400).at("/error/param").asText());
      assertEquals("max_tokens", post(server, "/v1/completions", "{\"prompt\": \"a\", \"max_tokens\": 1000000000}", 400).at("/error/param").asText());
      int window = local.maxLength();
      assertEquals("prompt", post(server, "/v1/completions", "{\"prompt\": [" + join(new int[window - 2]) + "], \"max_tokens\": 3}", 400)
          .at("/error/param").asText());
      // a zero no-op penalty is accepted
      post(server, "/v1/completions", "{\"prompt\": \"a\", \"max_tokens\": 1, \"presence_penalty\": 0}", 200);

      // endpoints
      JsonNode tk = post(server, "/tokenize", "{\"prompt\": \"hello world\"}", 200);
      assertEquals(local.tokenizer().encode("hello world", true), JSON.convertValue(tk.get("tokens"), List.class));
      assertEquals(window, tk.get("max_model_len").asInt());
      assertEquals("hello world", post(server, "/detokenize", "{\"tokens\": " + tk.get("tokens")
          .toString().replace("[" + (tk.get("tokens").size() > local.tokenizer().encode("hello world", false).size()
              ? tk.get("tokens").get(0) + "," : ""), "[") + "}", 200).get("prompt").asText().strip());
      assertEquals(window, get(server, "/v1/models", "sekrit", 200).at("/data/0/max_model_len").asInt());
      get(server, "/v1/models", null, 401);
      assertTrue(get(server, "/version", null, 200).get("version").isTextual());
    }
  }

  private JsonNode post(OpenAiServer s, String path, String body, int status) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .header("Content-Type", "application/json").header("Authorization", "Bearer sekrit")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(status, resp.statusCode(), resp.body());
    return JSON.readTree(resp.body());
  }

  private JsonNode get(OpenAiServer s, String path, String key, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET();
    if (key != null) b.header("Authorization", "Bearer " + key);
    HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, resp.statusCode(), resp.body());
    return JSON.readTree(resp.body());
  }

  private static String join(int[] ids) {
    List<String> s = new ArrayList<>();
    for (int id : ids) s.add(Integer.toString(id));
    return String.join(",", s);
  }
}
