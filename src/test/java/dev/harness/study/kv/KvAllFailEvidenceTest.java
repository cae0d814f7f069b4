package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 5: `all` against a server that always answers 503. Before the fix it exited 1 after run with an empty
 * {@code failures} table and no report; now every failed unit leaves its evidence row and a failures-only report.
 */
class KvAllFailEvidenceTest {
  @TempDir Path dir;
  MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(r -> TestServer.json(503, "{\"error\":{\"message\":\"service unavailable\"}}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyUnitFailsEvidenceAndFailuresOnlyReportAreKept() throws Exception {
    Path cfg = KvTransitionEndToEndTest.downConfig(dir, server.url("/v1/").toString(), 1);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KvTransitionEndToEndTest.run(out, err, "all", "-c", cfg.toString());

    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("every request failed (8/8)"), err.toString());
    assertTrue(err.toString().contains("status=503"), "the first error names the cause: " + err);

    Path runDir = dir.resolve("runs/down");
    try (Store store = Store.open(runDir.resolve("kv_transition.sqlite"), KvSchema.CHAIN)) {
      List<RequestTables.UnitResult> units = new RequestTables(store).units();
      assertEquals(8, units.size());
      List<ScoreFailureTables.FailureRow> failures = new ScoreFailureTables(store).failures();
      assertEquals(8, failures.size(), "one row per failed unit");
      assertEquals(units.stream().map(RequestTables.UnitResult::unitKey).collect(Collectors.toSet()),
          failures.stream().map(ScoreFailureTables.FailureRow::unitKey).collect(Collectors.toSet()));
      assertEquals(Set.of("ENGINE_ERROR"), failures.stream().map(ScoreFailureTables.FailureRow::failureType).collect(Collectors.toSet()));
      for (ScoreFailureTables.FailureRow f : failures) {
        assertTrue(f.infrastructure());
        assertTrue(f.evidence().startsWith("status=503 attempts=2: "), f.evidence()); // 1 + max_retries
      }
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("(failures only)"), report);
    assertTrue(report.contains("| ENGINE_ERROR | 8 / 8 |"), report);
    assertTrue(report.contains("status=503"), report);

    // `report` alone renders the same failures-only report from the store
    Files.delete(runDir.resolve("report.md"));
    assertEquals(0, KvTransitionEndToEndTest.run(new StringWriter(), new StringWriter(), "report", "-c", cfg.toString()));
    assertTrue(Files.readString(runDir.resolve("report.md")).contains("| ENGINE_ERROR | 8 / 8 |"));
  }
}
