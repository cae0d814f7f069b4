package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mc_eval against a server that always answers 503 (issue 12 item 5, as KlAllFailEvidenceTest / ControlAllFailEvidenceTest):
 * every request is tried, one mc_failures row per failed unit (choice x seed) is stored with its evidence as it fails,
 * report.md is a failures-only report, {@code all} exits 1 naming the first error, {@code report} renders it again and
 * {@code status} counts the failed units by type.
 */
class McAllFailEvidenceTest {
  @TempDir Path dir;

  @Test
  void everyUnitFailingKeepsTheEvidenceAndAFailuresOnlyReport() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(McEvalEndToEndTest.GQA) && Files.isRegularFile(McEvalEndToEndTest.ARC),
        "SKIPPED: ../shared models or data are absent");
    try (MockWebServer server = TestServer.start(
        r -> TestServer.bare(503, "{\"error\":{\"message\":\"overloaded\"}}"))) {
      Path cfg = McEvalEndToEndTest.apiConfig(dir, "fail", "m", server.url("/v1").toString());
      StringWriter err = new StringWriter();
      assertEquals(1, McEvalEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      int choices;
      Path db = dir.resolve("runs/fail/mc_eval.sqlite");
      try (Store s = Store.open(db, McSchema.CHAIN)) {
        McTables t = new McTables(s);
        choices = t.items("arc_easy").stream().mapToInt(i -> i.choices().size()).sum();
        assertTrue(choices >= 6, "2 ARC documents of 3-5 choices: " + choices);
        // a failed list-prompt batch is retried one request at a time: every request is tried alone, none skipped
        int alone = 0;
        for (int i = 0, n = server.getRequestCount(); i < n; i++) {
          RecordedRequest r = server.takeRequest();
          if (!new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBody().utf8()).get("prompt").isArray()) alone++;
        }
        assertEquals(choices, alone, "every request is tried on its own, none is skipped after the first failure");
        assertEquals(2 * choices, t.failures().size(), "one row per failed unit: choices x 2 seeds");
        assertTrue(t.failures().stream().allMatch(f -> f.httpStatus() != null && f.httpStatus() == 503
            && f.message().contains("overloaded")), t.failures().toString());
      }
      assertTrue(err.toString().contains("every request failed (" + choices + "/" + choices + "); first error: api, task"
          + " arc_easy, doc "), err.toString());
      Path report = dir.resolve("runs/fail/report.md");
      String md = Files.readString(report);
      int units = 2 * choices;
      assertTrue(md.contains("(failures only)") && md.contains(units + " failed units among " + units + " (n=" + units + ")"), md);
      Files.delete(report);
      err = new StringWriter();
      assertEquals(0, McEvalEndToEndTest.run(new StringWriter(), err, "report", "-c", cfg.toString()), err.toString());
      md = Files.readString(report);
      assertTrue(md.contains("| " + units + " (n=" + units + ") | 100.0% |") && md.contains("HTTP 503"), md);
      StringWriter out = new StringWriter();
      assertEquals(0, McEvalEndToEndTest.run(out, new StringWriter(), "status", "-c", cfg.toString()));
      assertTrue(out.toString().contains("units: 0 of " + units + " done, " + units + " failed ("), out.toString());
    }
  }
}
