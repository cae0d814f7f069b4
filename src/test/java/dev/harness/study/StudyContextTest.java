package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyContextTest {
  @Test
  void hasRunFilesNeedsEveryNamedFileInTheRunFolder(@TempDir Path run) throws Exception {
    StudyContext ctx = new StudyContext(null, "exp.yaml", run, null, null, null, null, null, null, false);
    Files.createDirectories(run.resolve("plots"));
    Files.writeString(run.resolve("report.md"), "# r\n");
    Files.writeString(run.resolve("plots/a.png"), "x");
    assertTrue(ctx.hasRunFiles("report.md"));
    assertTrue(ctx.hasRunFiles(List.of("plots/a.png", "report.md")));
    assertFalse(ctx.hasRunFiles(List.of("plots/a.png", "plots/b.png")));
    assertFalse(ctx.hasRunFiles("plots")); // a folder is not an output file
  }
}
