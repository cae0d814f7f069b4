package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineScannerTest {
  @TempDir Path dir;

  @Test
  void linesOffsetsCrlfLongLinesAndNoFinalNewline() throws Exception {
    String longLine = "x".repeat(200_000) + "é";
    String content = "one\r\n\n" + longLine + "\nlast";
    Path f = dir.resolve("f.jsonl");
    Files.writeString(f, content);
    List<String> lines = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    try (LineScanner sc = new LineScanner(f)) {
      while (sc.next()) {
        lines.add(new String(sc.bytes(), 0, sc.length(), StandardCharsets.UTF_8));
        offsets.add(sc.offset());
        assertEquals(lines.size(), sc.lineNo());
      }
      assertFalse(sc.next());
    }
    assertEquals(List.of("one", "", longLine, "last"), lines);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      raf.seek(offsets.get(3));
      assertEquals('l', raf.read());
      raf.seek(offsets.get(2));
      assertEquals('x', raf.read());
    }
    assertTrue(offsets.get(2) == 6);
  }
}
