package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.KlTables;
import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that always answers 503: {@code all} exits 1 naming the first error, every failed sample is stored with its
 * evidence as it fails, and report.md is a failures-only report (written by run, and again by {@code report}).
 */
class KlAllFailEvidenceTest {
  @TempDir Path dir;

  @Test
  void everySampleFailingKeepsTheEvidenceAndAFailuresOnlyReport() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
          return new MockResponse.Builder().code(503).body("{\"error\":{\"message\":\"overloaded\"}}").build();
        }
      });
      server.start();
      Path prompts = dir.resolve("p.json");
      Files.writeString(prompts, "[{\"user\": \"hello there\"}, {\"user\": \"second prompt\"}]");
      Path cfg = dir.resolve("kl.yaml");
      String url = server.url("/v1").toString();
      Files.writeString(cfg, """
          study: kl
          output: {exp_group_id: fail, root: %s}
          engines:
            - {name: a, kind: openai, model: model-a, base_url: %s, max_retries: 0, concurrency: 1}
            - {name: b, kind: openai, model: model-b, base_url: %s, max_retries: 0, concurrency: 1}
          prompts: {source: %s, field: user}
          generation: {max_tokens: 4}
          kl: {samples: 2, estimator: topk_rest, top_logprobs: 2}
          analysis: {bootstrap_iters: 100}
          """.formatted(dir.resolve("runs"), url, url, prompts));
      StringWriter err = new StringWriter();
      assertEquals(1, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      assertTrue(err.toString().contains("every sample failed (8/8); first error:"), err.toString());
      try (Store s = Store.open(dir.resolve("runs/fail/kl.sqlite"), "kl")) {
        KlTables t = new KlTables(s);
        assertEquals(8, t.samples().stream().filter(x -> !x.ok() && x.httpStatus() != null && x.httpStatus() == 503)
            .count(), "one failure row per unit, with its HTTP status");
      }
      Path report = dir.resolve("runs/fail/report.md");
      String md = Files.readString(report);
      assertTrue(md.contains("(failures only)") && md.contains("8 failed units among 8 (n=8)"), md);
      Files.delete(report);
      err = new StringWriter();
      assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "report", "-c", cfg.toString()), err.toString());
      md = Files.readString(report);
      assertTrue(md.contains("| 8 (n=8) | 100.0% |") && md.contains("HTTP 503"), md);
    }
  }
}
