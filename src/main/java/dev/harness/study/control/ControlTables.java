package dev.harness.study.control;

import static dev.harness.store.Columns.real;
import static dev.harness.store.Columns.setReal;

import dev.harness.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * output_control tables: {@code control_words} (the filtered word list), {@code control_items} (the grid),
 * {@code control_responses} (one stored next-token distribution per engine variant × item), {@code control_results}
 * (scores) and {@code control_summary} (aggregates with intervals), {@code control_comparisons} (variants against the first).
 */
public final class ControlTables {
  private final Store store;

  public ControlTables(Store store) { this.store = store; }

  public record WordRow(String word, int listRank, String filterLevel, Integer spaceTokenId, Integer nospaceTokenId,
      String role) {}

  public record ItemRow(String itemId, String caseName, String variant, int pairIndex, String word1, String word2,
      Long seed, int p, int q, int r, String split, String userMessage) {}

  public record ResponseRow(String unitKey, String engineVariant, String itemId, String status, Integer promptTokens,
      Integer vocabSize, Boolean fullVocabulary, String distributionJson, Double restMass, String errorKind,
      String errorMessage, double latencyMs) {
    public boolean ok() { return "ok".equals(status); }
  }

  public record ResultRow(String engineVariant, String itemId, String scorer, double tvd, boolean pass, String word1,
      double p1, String word2, double p2, double otherMass, double blockedMass) {}

  public record SummaryRow(String engineVariant, String grouping, String caseName, String variant, Integer p,
      Integer r, int n, int passes, double passRate, double passLo, double passHi, double meanTvd, double tvdLo,
      double tvdHi, double meanP1, double p1Lo, double p1Hi) {}

  /**
   * An engine variant against the baseline (the first variant) on the items both answered: pass counts, discordant
   * pairs and McNemar's exact p, and the paired-bootstrap interval of mean(TVD variant − TVD baseline).
   */
  public record ComparisonRow(String engineVariant, String baseline, String caseName, String variant, int n,
      int baselinePasses, int passes, int onlyBaseline, int onlyVariant, double mcnemarP, double tvdDiff,
      double tvdDiffLo, double tvdDiffHi) {}

  /**
   * Replaces the word list and the grid in one transaction. Items that keep their id and content keep their responses
   * and results; items that changed or disappeared lose them (cascade). Returns how many items were new or changed.
   */
  public int replaceGrid(List<WordRow> words, List<ItemRow> items) {
    int[] changed = {0};
    store.transaction(c -> {
      Map<String, ItemRow> old = new HashMap<>();
      for (ItemRow r : items(c)) old.put(r.itemId(), r);
      Set<String> keep = new HashSet<>();
      for (ItemRow r : items) {
        if (r.equals(old.get(r.itemId()))) keep.add(r.itemId());
      }
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM control_words");
      }
      try (PreparedStatement del = c.prepareStatement("DELETE FROM control_items WHERE item_id = ?")) {
        for (String id : old.keySet()) {
          if (!keep.contains(id)) {
            del.setString(1, id);
            del.executeUpdate();
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_words(word, list_rank, filter_level, "
          + "space_token_id, nospace_token_id, role) VALUES (?,?,?,?,?,?)")) {
        for (WordRow w : words) {
          ps.setString(1, w.word());
          ps.setInt(2, w.listRank());
          ps.setString(3, w.filterLevel());
          ps.setObject(4, w.spaceTokenId());
          ps.setObject(5, w.nospaceTokenId());
          ps.setString(6, w.role());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_items(item_id, case_name, variant, pair_index, "
          + "word1, word2, seed, p, q, r, split, user_message) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (ItemRow r : items) {
          if (keep.contains(r.itemId())) continue;
          changed[0]++;
          ps.setString(1, r.itemId());
          ps.setString(2, r.caseName());
          ps.setString(3, r.variant());
          ps.setInt(4, r.pairIndex());
          ps.setString(5, r.word1());
          ps.setString(6, r.word2());
          ps.setObject(7, r.seed());
          ps.setInt(8, r.p());
          ps.setInt(9, r.q());
          ps.setInt(10, r.r());
          ps.setString(11, r.split());
          ps.setString(12, r.userMessage());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
    return changed[0];
  }

  public List<WordRow> words() {
    return store.query(c -> {
      List<WordRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT word, list_rank, filter_level, "
          + "space_token_id, nospace_token_id, role FROM control_words ORDER BY list_rank")) {
        while (rs.next()) {
          out.add(new WordRow(rs.getString(1), rs.getInt(2), rs.getString(3), (Integer) rs.getObject(4),
              (Integer) rs.getObject(5), rs.getString(6)));
        }
      }
      return out;
    });
  }

  public List<ItemRow> items() { return store.query(ControlTables::items); }

  private static List<ItemRow> items(Connection c) throws SQLException {
    List<ItemRow> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT item_id, case_name, variant, "
        + "pair_index, word1, word2, seed, p, q, r, split, user_message FROM control_items ORDER BY rowid")) {
      while (rs.next()) {
        Object seed = rs.getObject(7);
        out.add(new ItemRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
            rs.getString(6), seed == null ? null : ((Number) seed).longValue(), rs.getInt(8), rs.getInt(9),
            rs.getInt(10), rs.getString(11), rs.getString(12)));
      }
    }
    return out;
  }

  /** Stores a unit's outcome (replacing an earlier failed attempt) in its own transaction. */
  public void putResponse(ResponseRow r) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO control_responses(unit_key, engine_variant, "
          + "item_id, status, prompt_tokens, vocab_size, full_vocabulary, distribution_json, rest_mass, error_kind, "
          + "error_message, latency_ms, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.engineVariant());
        ps.setString(3, r.itemId());
        ps.setString(4, r.status());
        ps.setObject(5, r.promptTokens());
        ps.setObject(6, r.vocabSize());
        ps.setObject(7, r.fullVocabulary() == null ? null : (r.fullVocabulary() ? 1 : 0));
        ps.setString(8, r.distributionJson());
        ps.setObject(9, r.restMass());
        ps.setString(10, r.errorKind());
        ps.setString(11, r.errorMessage());
        ps.setDouble(12, r.latencyMs());
        ps.setString(13, Store.now());
        ps.executeUpdate();
      }
    });
  }

  /** Unit keys with a stored response: ok ones only, or any status. */
  public Set<String> respondedKeys(boolean okOnly) {
    return store.query(c -> {
      Set<String> out = new HashSet<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT unit_key FROM control_responses" + (okOnly ? " WHERE status = 'ok'" : ""))) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  public List<ResponseRow> responses() {
    return store.query(c -> {
      List<ResponseRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT unit_key, engine_variant, item_id, "
          + "status, prompt_tokens, vocab_size, full_vocabulary, distribution_json, rest_mass, error_kind, error_message, "
          + "latency_ms FROM control_responses ORDER BY engine_variant, rowid")) {
        while (rs.next()) {
          Object full = rs.getObject(7);
          Object rest = rs.getObject(9);
          out.add(new ResponseRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              (Integer) rs.getObject(5), (Integer) rs.getObject(6), full == null ? null : ((Number) full).intValue() == 1,
              rs.getString(8), rest == null ? null : ((Number) rest).doubleValue(), rs.getString(10), rs.getString(11),
              rs.getDouble(12)));
        }
      }
      return out;
    });
  }

  public void replaceResults(List<ResultRow> rows) {
    store.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM control_results");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_results(engine_variant, item_id, scorer, tvd, "
          + "pass, word1, p1, word2, p2, other_mass, blocked_mass) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        for (ResultRow r : rows) {
          ps.setString(1, r.engineVariant());
          ps.setString(2, r.itemId());
          ps.setString(3, r.scorer());
          ps.setDouble(4, r.tvd());
          ps.setInt(5, r.pass() ? 1 : 0);
          ps.setString(6, r.word1());
          ps.setDouble(7, r.p1());
          ps.setString(8, r.word2());
          ps.setDouble(9, r.p2());
          ps.setDouble(10, r.otherMass());
          ps.setDouble(11, r.blockedMass());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<ResultRow> results() {
    return store.query(c -> {
      List<ResultRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.engine_variant, r.item_id, "
          + "r.scorer, r.tvd, r.pass, r.word1, r.p1, r.word2, r.p2, r.other_mass, r.blocked_mass FROM control_results r "
          + "JOIN control_items i ON i.item_id = r.item_id ORDER BY r.engine_variant, i.rowid")) {
        while (rs.next()) {
          out.add(new ResultRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getInt(5) == 1,
              rs.getString(6), rs.getDouble(7), rs.getString(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11)));
        }
      }
      return out;
    });
  }

  public int resultCount() {
    return store.query(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM control_results")) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    });
  }

  public void replaceSummary(List<SummaryRow> rows) {
    store.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM control_summary");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_summary(engine_variant, grouping, case_name, "
          + "variant, p, r, n, passes, pass_rate, pass_lo, pass_hi, mean_tvd, tvd_lo, tvd_hi, mean_p1, p1_lo, p1_hi) "
          + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (SummaryRow r : rows) {
          ps.setString(1, r.engineVariant());
          ps.setString(2, r.grouping());
          ps.setString(3, r.caseName());
          ps.setString(4, r.variant());
          ps.setObject(5, r.p());
          ps.setObject(6, r.r());
          ps.setInt(7, r.n());
          ps.setInt(8, r.passes());
          setReal(ps, 9, r.passRate());
          setReal(ps, 10, r.passLo());
          setReal(ps, 11, r.passHi());
          setReal(ps, 12, r.meanTvd());
          setReal(ps, 13, r.tvdLo());
          setReal(ps, 14, r.tvdHi());
          setReal(ps, 15, r.meanP1());
          setReal(ps, 16, r.p1Lo());
          setReal(ps, 17, r.p1Hi());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<SummaryRow> summary() {
    return store.query(c -> {
      List<SummaryRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT engine_variant, grouping, case_name, "
          + "variant, p, r, n, passes, pass_rate, pass_lo, pass_hi, mean_tvd, tvd_lo, tvd_hi, mean_p1, p1_lo, p1_hi "
          + "FROM control_summary ORDER BY rowid")) {
        while (rs.next()) {
          out.add(new SummaryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              (Integer) rs.getObject(5), (Integer) rs.getObject(6), rs.getInt(7), rs.getInt(8), real(rs, 9), real(rs, 10),
              real(rs, 11), real(rs, 12), real(rs, 13), real(rs, 14), real(rs, 15), real(rs, 16), real(rs, 17)));
        }
      }
      return out;
    });
  }

  public void replaceComparisons(List<ComparisonRow> rows) {
    store.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM control_comparisons");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO control_comparisons(engine_variant, baseline, "
          + "case_name, variant, n, baseline_passes, passes, only_baseline, only_variant, mcnemar_p, tvd_diff, "
          + "tvd_diff_lo, tvd_diff_hi) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (ComparisonRow r : rows) {
          ps.setString(1, r.engineVariant());
          ps.setString(2, r.baseline());
          ps.setString(3, r.caseName());
          ps.setString(4, r.variant());
          ps.setInt(5, r.n());
          ps.setInt(6, r.baselinePasses());
          ps.setInt(7, r.passes());
          ps.setInt(8, r.onlyBaseline());
          ps.setInt(9, r.onlyVariant());
          ps.setDouble(10, r.mcnemarP());
          setReal(ps, 11, r.tvdDiff());
          setReal(ps, 12, r.tvdDiffLo());
          setReal(ps, 13, r.tvdDiffHi());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<ComparisonRow> comparisons() {
    return store.query(c -> {
      List<ComparisonRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT engine_variant, baseline, case_name, "
          + "variant, n, baseline_passes, passes, only_baseline, only_variant, mcnemar_p, tvd_diff, tvd_diff_lo, "
          + "tvd_diff_hi FROM control_comparisons ORDER BY rowid")) {
        while (rs.next()) {
          out.add(new ComparisonRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
              rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getDouble(10), real(rs, 11), real(rs, 12),
              real(rs, 13)));
        }
      }
      return out;
    });
  }

}
