package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  @TempDir Path dir;

  @Test
  void quotesPerRfc4180() throws Exception {
    Path f = dir.resolve("sub/dir/out.csv");
    Csv.write(f, List.of("id", "text", "score", "ok"), List.of(
        List.of("a", "plain", 0.5, true),
        List.of("b", "with, comma", 1, false),
        List.of("c", "say \"hi\"", Double.NaN, true),
        Arrays.asList("d", "two\nlines", null, null),
        List.of("e", " padded ", Double.POSITIVE_INFINITY, "x")));
    String expected = "id,text,score,ok\n"
        + "a,plain,0.5,true\n"
        + "b,\"with, comma\",1,false\n"
        + "c,\"say \"\"hi\"\"\",NaN,true\n"
        + "d,\"two\nlines\",,\n"
        + "e,\" padded \",inf,x\n";
    assertEquals(expected, Files.readString(f, StandardCharsets.UTF_8));
  }

  @Test
  void rejectsRaggedRows() {
    assertThrows(IllegalArgumentException.class, () -> Csv.format(List.of("a", "b"), List.of(List.of(1))));
  }
}
