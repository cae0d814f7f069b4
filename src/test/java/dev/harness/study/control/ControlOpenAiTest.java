package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OpenAI-compatible engine: the request asks for {@code top_logprobs} with the prefill as a final assistant
 * message, and the top-k answer ( " red" 0.7, " blue" 0.3) is scored by hand: random words sorted against
 * [max, min] → TVD 0 at p 30 / 70, ½(0.2 + 0.2) = 0.2 at p 50 (passes r 20 only).
 */
class ControlOpenAiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  MockWebServer server;
  final List<String> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        bodies.add(request.getBody() == null ? "" : request.getBody().utf8());
        double red = Math.log(0.7);
        double blue = Math.log(0.3);
        String body = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\" red\"},\"finish_reason\":\"length\",\"logprobs\":{\"content\":"
            + "[{\"token\":\" red\",\"logprob\":" + red + ",\"top_logprobs\":[{\"token\":\" red\",\"logprob\":" + red + "},"
            + "{\"token\":\" blue\",\"logprob\":" + blue + "}]}]}}],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":1,"
            + "\"total_tokens\":51}}";
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() { server.close(); }

  @Test
  void topLogprobsFromTheServerAreScored() throws Exception {
    Path cfg = dir.resolve("api.yaml");
    Files.writeString(cfg, """
        study: output_control
        output: {exp_group_id: api, root: %s}
        engines:
          - {name: api, kind: openai, model: m, base_url: %s, concurrency: 2, max_retries: 0}
        grid: {cases: [random_words], ps: [30, 50, 70], rs: [10, 20], n_seeds: 2, variants: [plain], n_pairs: 1}
        control: {prompt_format: chat, top_logprobs: 5}
        analysis: {bootstrap_iters: 200}
        """.formatted(dir.resolve("runs"), server.url("/v1/")));
    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertEquals(12, bodies.size());
    JsonNode req = JSON.readTree(bodies.get(0));
    assertEquals(5, req.path("top_logprobs").asInt(), bodies.get(0));
    JsonNode msgs = req.path("messages");
    JsonNode last = msgs.get(msgs.size() - 1);
    assertEquals("assistant", last.path("role").asText());
    assertEquals(ControlPrompts.PREFILL, last.path("content").asText());

    String overall = Files.readAllLines(dir.resolve("runs/api/output_control_simple_metrics.csv")).stream()
        .filter(l -> l.startsWith("api,all,all,")).findFirst().orElseThrow();
    String[] o = overall.split(",");
    assertEquals(12, Integer.parseInt(o[3]));
    assertEquals(10, Integer.parseInt(o[4]), "p 30 and 70 pass at both r; p 50 passes r 20 only (2 seeds)");
    // mean TVD: 4 of 12 items (p 50) at 0.2, the rest 0
    assertEquals(0.8 / 12, Double.parseDouble(o[8]), 1e-9);
  }
}
