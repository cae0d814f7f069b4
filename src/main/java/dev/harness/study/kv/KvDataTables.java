package dev.harness.study.kv;

import dev.harness.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The kv_transition study's prepared data: {@code datasets}, {@code examples}, {@code bins}, {@code manifest_entries}. */
public final class KvDataTables {
  private final Store store;

  public KvDataTables(Store store) { this.store = store; }

  public record DatasetRow(String datasetId, String name, String task, String source, String split, int nExamples,
      String lengthMeasure, String manifestPath) {}

  public record ExampleRow(String exampleId, String input, String context, String answersJson, Integer lengthWords,
      int promptTokens, String extraJson) {}

  public record BinRow(int binIndex, int loTokens, int hiTokens, String label) {}

  public record EntryRow(String exampleId, int binIndex, int promptTokens) {}

  /** Replaces everything stored for the dataset in one transaction (prepare is idempotent). */
  public void replace(DatasetRow d, List<ExampleRow> examples, List<BinRow> bins, List<EntryRow> entries) {
    store.transaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM datasets WHERE dataset_id = ?")) {
        del.setString(1, d.datasetId());
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO datasets(dataset_id, name, task, source, split, n_examples, length_measure, manifest_path, created_at) "
              + "VALUES (?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, d.datasetId());
        ps.setString(2, d.name());
        ps.setString(3, d.task());
        ps.setString(4, d.source());
        ps.setString(5, d.split());
        ps.setInt(6, d.nExamples());
        ps.setString(7, d.lengthMeasure());
        ps.setString(8, d.manifestPath());
        ps.setString(9, Store.now());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO examples(dataset_id, example_id, input, context, answers_json, length_words, prompt_tokens, extra_json) "
              + "VALUES (?,?,?,?,?,?,?,?)")) {
        for (ExampleRow e : examples) {
          ps.setString(1, d.datasetId());
          ps.setString(2, e.exampleId());
          ps.setString(3, e.input());
          ps.setString(4, e.context());
          ps.setString(5, e.answersJson());
          ps.setObject(6, e.lengthWords());
          ps.setInt(7, e.promptTokens());
          ps.setString(8, e.extraJson());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO bins(dataset_id, bin_index, lo_tokens, hi_tokens, label) VALUES (?,?,?,?,?)")) {
        for (BinRow b : bins) {
          ps.setString(1, d.datasetId());
          ps.setInt(2, b.binIndex());
          ps.setInt(3, b.loTokens());
          ps.setInt(4, b.hiTokens());
          ps.setString(5, b.label());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO manifest_entries(dataset_id, example_id, bin_index, prompt_tokens) VALUES (?,?,?,?)")) {
        for (EntryRow e : entries) {
          ps.setString(1, d.datasetId());
          ps.setString(2, e.exampleId());
          ps.setInt(3, e.binIndex());
          ps.setInt(4, e.promptTokens());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<BinRow> bins(String datasetId) {
    return store.query(c -> {
      List<BinRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT bin_index, lo_tokens, hi_tokens, label FROM bins WHERE dataset_id = ? ORDER BY bin_index")) {
        ps.setString(1, datasetId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new BinRow(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getString(4)));
        }
      }
      return out;
    });
  }

  /** A manifest entry joined with its example, in bin then id order. */
  public record PreparedItem(String exampleId, int binIndex, int promptTokens, String input, String context,
      String answersJson) {}

  public List<PreparedItem> items(String datasetId) {
    return store.query(c -> {
      List<PreparedItem> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT m.example_id, m.bin_index, m.prompt_tokens, e.input, e.context, e.answers_json "
              + "FROM manifest_entries m JOIN examples e USING (dataset_id, example_id) "
              + "WHERE m.dataset_id = ? ORDER BY m.bin_index, m.example_id")) {
        ps.setString(1, datasetId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new PreparedItem(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                rs.getString(6)));
          }
        }
      }
      return out;
    });
  }

  public int count(String table) {
    return store.query(c -> {
      try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    });
  }
}
