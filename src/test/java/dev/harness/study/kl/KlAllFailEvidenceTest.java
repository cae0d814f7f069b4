package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
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
    try (MockWebServer server = TestServer.start(
        r -> TestServer.bare(503, "{\"error\":{\"message\":\"overloaded\"}}"))) {
      Path cfg = KlHttpConfig.write(dir, server, "kl.yaml", "fail", 1,
          "[{\"user\": \"hello there\"}, {\"user\": \"second prompt\"}]", "{max_tokens: 4}",
          "{samples: 2, estimator: topk_rest, top_logprobs: 2}", 100);
      StringWriter err = new StringWriter();
      assertEquals(1, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      assertTrue(err.toString().contains("every sample failed (8/8); first error:"), err.toString());
      try (Store s = Store.open(dir.resolve("runs/fail/kl.sqlite"), KlSchema.CHAIN)) {
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
