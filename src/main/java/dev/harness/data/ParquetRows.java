package dev.harness.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a Parquet file (how the Hugging Face Hub serves datasets) as JSON objects, in file order: nested structs
 * become objects and lists arrays, so readers of JSON / JSONL records read Parquet rows alike. Uses DuckDB in-process
 * ({@code read_parquet} + {@code to_json}); nothing is downloaded.
 */
public final class ParquetRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ParquetRows() {}

  /** Every row (at most {@code limit} when not null) of {@code file}; {@code label} names the source in errors. */
  public static List<JsonNode> read(Path file, Integer limit, String label) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(label + ": file not found (" + file.toAbsolutePath().normalize() + ")");
    }
    String sql = "SELECT to_json(t) FROM read_parquet(?) t" + (limit == null ? "" : " LIMIT " + Math.max(0, limit));
    List<JsonNode> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, file.toAbsolutePath().toString());
      try (ResultSet rs = s.executeQuery()) {
        long row = 0;
        while (rs.next()) {
          row++;
          String json = rs.getString(1);
          try {
            rows.add(JSON.readTree(json));
          } catch (IOException e) {
            throw new DataException(label + ": row " + row + ": not representable as JSON (" + e.getMessage() + ")", e);
          }
        }
      }
    } catch (SQLException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
      throw new DataException(label + ": not a readable Parquet file (" + msg + ")", e);
    }
    return rows;
  }
}
