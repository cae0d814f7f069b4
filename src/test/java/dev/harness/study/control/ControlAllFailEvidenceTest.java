package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every request failing: all exits 1 naming the first error, and report.md is a failures-only report (12 units). */
class ControlAllFailEvidenceTest {
  @TempDir Path dir;
  @RegisterExtension final ControlMockApi api = new ControlMockApi();

  @Test
  void everyUnitFailingWritesAFailuresOnlyReport() throws Exception {
    Path cfg = api.config(dir);
    api.failWhen = "";
    StringWriter err = new StringWriter();
    assertEquals(1, ControlEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains("every request failed (12/12); first error:"), err.toString());
    String md = Files.readString(dir.resolve("runs/api/report.md"));
    assertTrue(md.contains("(failures only)") && md.contains("12 failed units among 12 (n=12)"), md);
    assertTrue(md.contains("| 12 (n=12) | 100.0% |") && md.contains("upstream down"), md);
    StringWriter err2 = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err2, "report", "-c", cfg.toString()), err2.toString());
  }
}
