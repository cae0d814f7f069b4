package dev.harness.study.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Test fixture shared by the output_control HTTP tests: a MockWebServer answering every chat completion with the
 * top-k " red" 0.7, " blue" 0.3 (or a 500 "upstream down" for bodies containing {@link #failWhen}), the request
 * bodies it received, and the 12-item study config pointing at it.
 */
final class ControlMockApi implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  final List<String> bodies = new CopyOnWriteArrayList<>();
  /** Requests whose body contains this text get a 500 (null: none; "" : every request). */
  volatile String failWhen;

  ControlMockApi() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String text = request.getBody() == null ? "" : request.getBody().utf8();
        bodies.add(text);
        String f = failWhen;
        if (f != null && text.contains(f)) {
          return new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"upstream down\"}}").build();
        }
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

  /** The study config: one HTTP variant, random_words × p 30/50/70 × r 10/20 × 2 seeds = 12 items, runs under dir/runs. */
  Path config(Path dir) throws Exception {
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
    return cfg;
  }

  @Override
  public void close() { server.close(); }
}
