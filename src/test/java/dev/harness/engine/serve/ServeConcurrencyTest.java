package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Eight clients at once (scorings and greedy generations mixed, batched by the server): every answer is its own. */
class ServeConcurrencyTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void concurrentClientsGetTheirOwnAnswers() throws Exception {
    Path model = Path.of("../shared/models/tiny-llama-gqa");
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer s = new OpenAiServer(new LocalServedEngine(local), "m", local.tokenizer(), new ServerOptions("127.0.0.1", 0, 16)).start()) {
      Random rng = new Random(3);
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        int[] ids = new int[4 + rng.nextInt(20)];
        for (int t = 0; t < ids.length; t++) ids[t] = 1 + rng.nextInt(local.vocabSize() - 1);
        prompts.add(ids);
      }
      HttpClient http = HttpClient.newHttpClient();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<JsonNode>> replies = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        String ids = Arrays.stream(prompts.get(i)).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String body = i % 2 == 0
            ? "{\"prompt\": [[" + ids + "]], \"temperature\": 0, \"max_tokens\": 1, \"logprobs\": 1, \"seed\": 1234, \"echo\": true}"
            : "{\"prompt\": [[" + ids + "]], \"temperature\": 0, \"max_tokens\": 5}";
        replies.add(pool.submit(() -> {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/completions"))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), r.body());
          return JSON.readTree(r.body());
        }));
      }
      for (int i = 0; i < prompts.size(); i++) {
        int[] ids = prompts.get(i);
        JsonNode c = replies.get(i).get().at("/choices/0");
        if (i % 2 == 0) {
          List<TokenScore> direct = local.scoreIds(Arrays.copyOf(ids, 1), Arrays.copyOfRange(ids, 1, ids.length));
          JsonNode lp = c.at("/logprobs/token_logprobs");
          double sum = 0;
          for (int p = 1; p < lp.size() - 1; p++) sum += lp.get(p).asDouble();
          double expected = direct.stream().mapToDouble(TokenScore::logprob).sum();
          // batched with other requests: float32 rounding of the padded batch's matmuls (measured ~1e-7 relative)
          assertEquals(expected, sum, 1e-5 + 1e-6 * Math.abs(expected), "scoring " + i);
        } else {
          assertEquals(local.complete(ids, CompletionRequest.greedy(Prompt.text(""), 5)).text(), c.get("text").asText(), "generation " + i);
        }
      }
      pool.shutdownNow();
    }
  }
}
