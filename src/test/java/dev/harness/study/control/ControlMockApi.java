package dev.harness.study.control;

import dev.harness.study.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test fixture shared by the output_control HTTP tests, registered per test with {@code @RegisterExtension} (closed
 * after each): a MockWebServer answering every chat completion with one body, by default the top-k " red" 0.7,
 * " blue" 0.3 (or a 500 "upstream down" for bodies containing {@link #failWhen}), the request bodies it received,
 * and the 12-item study config pointing at it.
 */
final class ControlMockApi implements AutoCloseable, AfterEachCallback {
  /** " red" with top-k " red" 0.7, " blue" 0.3. */
  static final String RED_BLUE = redBlue();
  final MockWebServer server;
  final List<String> bodies = new CopyOnWriteArrayList<>();
  /** Requests whose body contains this text get a 500 (null: none; "" : every request). */
  volatile String failWhen;

  ControlMockApi() { this(RED_BLUE); }

  /** A server answering every request (but those {@link #failWhen} names) with {@code answer}. */
  ControlMockApi(String answer) {
    try {
      server = TestServer.start(request -> {
        String text = TestServer.body(request);
        bodies.add(text);
        String f = failWhen;
        if (f != null && text.contains(f)) return TestServer.bare(500, "{\"error\":{\"message\":\"upstream down\"}}");
        return TestServer.json(200, answer);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String redBlue() {
    double red = Math.log(0.7);
    double blue = Math.log(0.3);
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\" red\"},\"finish_reason\":\"length\",\"logprobs\":{\"content\":"
        + "[{\"token\":\" red\",\"logprob\":" + red + ",\"top_logprobs\":[{\"token\":\" red\",\"logprob\":" + red + "},"
        + "{\"token\":\" blue\",\"logprob\":" + blue + "}]}]}}],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":1,"
        + "\"total_tokens\":51}}";
  }

  /** {@link #config(Path, String)} with group "api". */
  Path config(Path dir) throws Exception { return config(dir, "api"); }

  /**
   * The study config {@code dir/<group>.yaml}: one HTTP variant, random_words × p 30/50/70 × r 10/20 × 2 seeds = 12
   * items, runs under dir/runs/<group>.
   */
  Path config(Path dir, String group) throws Exception {
    Path cfg = dir.resolve(group + ".yaml");
    Files.writeString(cfg, """
        study: output_control
        output: {exp_group_id: %s, root: %s}
        engines:
          - {name: api, kind: openai, model: m, base_url: %s, concurrency: 2, max_retries: 0}
        grid: {cases: [random_words], ps: [30, 50, 70], rs: [10, 20], n_seeds: 2, variants: [plain], n_pairs: 1}
        control: {prompt_format: chat, top_logprobs: 5}
        analysis: {bootstrap_iters: 200}
        """.formatted(group, dir.resolve("runs"), server.url("/v1/")));
    return cfg;
  }

  @Override
  public void afterEach(ExtensionContext context) { close(); }

  @Override
  public void close() { server.close(); }
}
