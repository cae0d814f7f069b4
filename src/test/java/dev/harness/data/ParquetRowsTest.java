package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ParquetRowsTest {
  @TempDir Path dir;

  /** Writes a Parquet file shaped like the Hub's ai2_arc and WildChat shards (structs, lists, list of structs). */
  public static Path writeParquet(Path file, String selectSql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (" + selectSql + ") TO '" + file.toAbsolutePath() + "' (FORMAT parquet)");
    }
    return file;
  }

  @Test
  void nestedColumnsBecomeJsonInFileOrder() throws Exception {
    Path f = writeParquet(dir.resolve("arc.parquet"), """
        SELECT * FROM (VALUES
          ('Mercury_1', 'Which is a gas?', {'text': ['ice', 'steam', 'rock'], 'label': ['A', 'B', 'C']}, 'B',
           [{'role': 'user', 'content': 'héllo'}, {'role': 'assistant', 'content': 'hi'}]),
          ('Mercury_2', 'Second?', {'text': ['x', 'y'], 'label': ['1', '2']}, '2', [])
        ) t(id, question, choices, answerKey, conversation)""");
    List<JsonNode> rows = ParquetRows.read(f, null, "arc.parquet");
    assertEquals(2, rows.size());
    JsonNode first = rows.get(0);
    assertEquals("Mercury_1", first.get("id").asText());
    assertEquals("steam", first.get("choices").get("text").get(1).asText());
    assertEquals("B", first.get("choices").get("label").get(1).asText());
    assertEquals("B", first.get("answerKey").asText());
    assertEquals("héllo", first.get("conversation").get(0).get("content").asText());
    assertEquals(0, rows.get(1).get("conversation").size());
    assertEquals(1, ParquetRows.read(f, 1, "arc.parquet").size());
  }

  @Test
  void aFileThatIsNotParquetNamesItself() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.parquet"), "not parquet");
    DataException e = assertThrows(DataException.class, () -> ParquetRows.read(bad, null, "hf://org/x/bad.parquet"));
    assertTrue(e.getMessage().startsWith("hf://org/x/bad.parquet: not a readable Parquet file"), e.getMessage());
    DataException missing = assertThrows(DataException.class,
        () -> ParquetRows.read(dir.resolve("none.parquet"), null, "none.parquet"));
    assertTrue(missing.getMessage().startsWith("none.parquet: file not found"), missing.getMessage());
  }
}
