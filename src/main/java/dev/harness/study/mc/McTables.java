package dev.harness.study.mc;

import static dev.harness.store.Columns.doubleOrNull;
import static dev.harness.store.Columns.intOrNull;

import dev.harness.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The mc_eval tables: {@code mc_items}, {@code mc_choices}, {@code mc_results}, {@code mc_item_metrics}, {@code mc_summary}, {@code comparisons}. */
public final class McTables {
  private final Store store;

  public McTables(Store store) { this.store = store; }

  /** A prepared task: where its documents came from, how many the source has and how many were selected. */
  public record TaskRow(String task, String source, int nSource, int nSelected, String subset, Integer limit) {}

  public record ChoiceRow(int index, String text, int label, String continuation) {}

  public record ItemRow(String task, int docId, String sourceId, String source, String question, String context,
      int gold, String docJson, String docHash, List<ChoiceRow> choices) {}

  /** One scored choice; {@code scoredWithSeed} is the seed whose request produced the number (see docs/mc-eval.md). */
  public record ResultRow(String unitKey, String runId, String variant, String variantHash, String task, int docId,
      int choiceIndex, int seed, double loglik, boolean greedy, int nTokens, int scoredWithSeed, int batchSize) {}

  public record ItemMetricRow(String variant, String task, int docId, int seed, String metric, double value) {}

  public record SummaryRow(String variant, String task, String seed, String metric, int n, Double mean, Double lo,
      Double hi, Double stderr) {}

  public record ComparisonRow(String variant, String baseline, String task, String metric, int n, Double meanVariant,
      Double meanBaseline, Double delta, Double lo, Double hi, Integer b, Integer c, Double exactP, Double chi2,
      Double chi2P) {}

  /**
   * Makes a task's items exactly {@code items}: unchanged items (same doc hash) are kept with their results, changed
   * ones replaced (their results go with them), items no longer selected deleted. One transaction.
   */
  public void replaceItems(String task, List<ItemRow> items) {
    store.transaction(c -> {
      Map<Integer, String> old = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT doc_id, doc_hash FROM mc_items WHERE task = ?")) {
        ps.setString(1, task);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) old.put(rs.getInt(1), rs.getString(2));
        }
      }
      java.util.Set<Integer> keep = new java.util.HashSet<>();
      try (PreparedStatement del = c.prepareStatement("DELETE FROM mc_items WHERE task = ? AND doc_id = ?");
          PreparedStatement item = c.prepareStatement("INSERT INTO mc_items(task, doc_id, source_id, source, question, "
              + "context, gold, n_choices, doc_json, doc_hash) VALUES (?,?,?,?,?,?,?,?,?,?)");
          PreparedStatement ch = c.prepareStatement("INSERT INTO mc_choices(task, doc_id, choice_index, text, label, "
              + "continuation) VALUES (?,?,?,?,?,?)")) {
        for (ItemRow it : items) {
          keep.add(it.docId());
          if (it.docHash().equals(old.get(it.docId()))) continue;
          if (old.containsKey(it.docId())) {
            del.setString(1, task);
            del.setInt(2, it.docId());
            del.executeUpdate();
          }
          item.setString(1, task);
          item.setInt(2, it.docId());
          item.setString(3, it.sourceId());
          item.setString(4, it.source());
          item.setString(5, it.question());
          item.setString(6, it.context());
          item.setInt(7, it.gold());
          item.setInt(8, it.choices().size());
          item.setString(9, it.docJson());
          item.setString(10, it.docHash());
          item.executeUpdate();
          for (ChoiceRow cr : it.choices()) {
            ch.setString(1, task);
            ch.setInt(2, it.docId());
            ch.setInt(3, cr.index());
            ch.setString(4, cr.text());
            ch.setInt(5, cr.label());
            ch.setString(6, cr.continuation());
            ch.executeUpdate();
          }
        }
        for (int id : old.keySet()) {
          if (keep.contains(id)) continue;
          del.setString(1, task);
          del.setInt(2, id);
          del.executeUpdate();
        }
      }
    });
  }

  public void upsertTask(TaskRow t) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO mc_tasks(task, source, n_source, "
          + "n_selected, subset, doc_limit, prepared_at) VALUES (?,?,?,?,?,?,?)")) {
        ps.setString(1, t.task());
        ps.setString(2, t.source());
        ps.setInt(3, t.nSource());
        ps.setInt(4, t.nSelected());
        ps.setString(5, t.subset());
        ps.setObject(6, t.limit());
        ps.setString(7, Store.now());
        ps.executeUpdate();
      }
    });
  }

  public java.util.Optional<TaskRow> task(String task) {
    return store.query(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT task, source, n_source, n_selected, subset, doc_limit "
          + "FROM mc_tasks WHERE task = ?")) {
        ps.setString(1, task);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return java.util.Optional.<TaskRow>empty();
          return java.util.Optional.of(new TaskRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
              rs.getString(5), intOrNull(rs, 6)));
        }
      }
    });
  }

  /** Removes the items of tasks no longer configured. */
  public void retainTasks(List<String> tasks) {
    store.transaction(c -> {
      List<String> have = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT task FROM mc_items")) {
        while (rs.next()) have.add(rs.getString(1));
      }
      try (PreparedStatement del = c.prepareStatement("DELETE FROM mc_items WHERE task = ?")) {
        for (String t : have) {
          if (tasks.contains(t)) continue;
          del.setString(1, t);
          del.executeUpdate();
        }
      }
      try (PreparedStatement del = c.prepareStatement("DELETE FROM mc_tasks WHERE task = ?")) {
        for (String t : have) {
          if (tasks.contains(t)) continue;
          del.setString(1, t);
          del.executeUpdate();
        }
      }
    });
  }

  /** The items of a task in doc order, with their choices. */
  public List<ItemRow> items(String task) {
    return store.query(c -> {
      Map<Integer, List<ChoiceRow>> choices = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT doc_id, choice_index, text, label, continuation FROM "
          + "mc_choices WHERE task = ? ORDER BY doc_id, choice_index")) {
        ps.setString(1, task);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            choices.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                .add(new ChoiceRow(rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
          }
        }
      }
      List<ItemRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT doc_id, source_id, source, question, context, gold, "
          + "doc_json, doc_hash FROM mc_items WHERE task = ? ORDER BY doc_id")) {
        ps.setString(1, task);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int id = rs.getInt(1);
            out.add(new ItemRow(task, id, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), choices.getOrDefault(id, List.of())));
          }
        }
      }
      return out;
    });
  }

  public int itemCount(String task) {
    return store.query(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM mc_items WHERE task = ?")) {
        ps.setString(1, task);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      }
    });
  }

  /** unit key → variant hash of every stored result of a variant. */
  public Map<String, String> resultHashes(String variant) {
    return store.query(c -> {
      Map<String, String> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT unit_key, variant_hash FROM mc_results WHERE variant = ?")) {
        ps.setString(1, variant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  /** variant → number of stored results. */
  public Map<String, Long> resultCountsByVariant() {
    return store.query(c -> {
      Map<String, Long> out = new HashMap<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT variant, COUNT(*) FROM mc_results GROUP BY variant")) {
        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
      }
      return out;
    });
  }

  /** One failed mc_eval unit with the engine's evidence (table {@code mc_failures}). */
  public record FailureRow(String unitKey, String variant, String task, int docId, int choiceIndex, int seed,
      String failureType, String message, Integer httpStatus, int attempts) {}

  /** Records failed units in one transaction, as they fail (replacing an earlier failure row of the same unit). */
  public void recordFailures(List<FailureRow> rows) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO mc_failures(unit_key, variant, task, doc_id, "
          + "choice_index, seed, failure_type, message, http_status, attempts, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        String now = Store.now();
        for (FailureRow r : rows) {
          ps.setString(1, r.unitKey());
          ps.setString(2, r.variant());
          ps.setString(3, r.task());
          ps.setInt(4, r.docId());
          ps.setInt(5, r.choiceIndex());
          ps.setInt(6, r.seed());
          ps.setString(7, r.failureType());
          ps.setString(8, r.message() == null ? "" : r.message());
          if (r.httpStatus() == null) ps.setNull(9, java.sql.Types.INTEGER);
          else ps.setInt(9, r.httpStatus());
          ps.setInt(10, r.attempts());
          ps.setString(11, now);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  /** Every stored failure row (current or of other configurations), in unit-key order. */
  public List<FailureRow> failures() {
    return store.query(c -> {
      List<FailureRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT unit_key, variant, task, doc_id, "
          + "choice_index, seed, failure_type, message, http_status, attempts FROM mc_failures ORDER BY unit_key")) {
        while (rs.next()) {
          int http = rs.getInt(9);
          out.add(new FailureRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
              rs.getInt(6), rs.getString(7), rs.getString(8), rs.wasNull() ? null : http, rs.getInt(10)));
        }
      }
      return out;
    });
  }

  /**
   * Records a batch of results in one transaction (replacing rows with the same unit key); a failure row of the same
   * unit goes (the unit is answered now).
   */
  public void recordResults(List<ResultRow> rows) {
    store.transaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM mc_failures WHERE unit_key = ?")) {
        for (ResultRow r : rows) {
          del.setString(1, r.unitKey());
          del.addBatch();
        }
        del.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO mc_results(unit_key, run_id, variant, "
          + "variant_hash, task, doc_id, choice_index, seed, loglik, is_greedy, n_tokens, scored_with_seed, batch_size, "
          + "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        String now = Store.now();
        for (ResultRow r : rows) {
          ps.setString(1, r.unitKey());
          ps.setString(2, r.runId());
          ps.setString(3, r.variant());
          ps.setString(4, r.variantHash());
          ps.setString(5, r.task());
          ps.setInt(6, r.docId());
          ps.setInt(7, r.choiceIndex());
          ps.setInt(8, r.seed());
          ps.setDouble(9, r.loglik());
          ps.setInt(10, r.greedy() ? 1 : 0);
          ps.setInt(11, r.nTokens());
          ps.setInt(12, r.scoredWithSeed());
          ps.setInt(13, r.batchSize());
          ps.setString(14, now);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  /** The first and last {@code created_at} of a variant's stored results. */
  public record TimeSpan(java.time.Instant first, java.time.Instant last) {}

  /** When a variant's results were stored (first, last), or null when it has none. */
  public TimeSpan resultTimes(String variant) {
    return store.query(c -> {
      // ISO-8601 strings with varying fraction digits do not sort as text: compare them parsed
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT created_at FROM mc_results WHERE variant = ?")) {
        ps.setString(1, variant);
        java.time.Instant first = null;
        java.time.Instant last = null;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            java.time.Instant t = java.time.Instant.parse(rs.getString(1));
            if (first == null || t.isBefore(first)) first = t;
            if (last == null || t.isAfter(last)) last = t;
          }
        }
        return first == null ? null : new TimeSpan(first, last);
      }
    });
  }

  /** Results of a variant on a task, ordered by seed, doc, choice. */
  public List<ResultRow> results(String variant, String task) {
    return store.query(c -> {
      List<ResultRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT unit_key, run_id, variant, variant_hash, task, doc_id, "
          + "choice_index, seed, loglik, is_greedy, n_tokens, scored_with_seed, batch_size FROM mc_results "
          + "WHERE variant = ? AND task = ? ORDER BY seed, doc_id, choice_index")) {
        ps.setString(1, variant);
        ps.setString(2, task);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ResultRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getDouble(9), rs.getInt(10) == 1, rs.getInt(11),
                rs.getInt(12), rs.getInt(13)));
          }
        }
      }
      return out;
    });
  }

  public void replaceItemMetrics(List<ItemMetricRow> rows) {
    store.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM mc_item_metrics");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mc_item_metrics(variant, task, doc_id, seed, metric, "
          + "value) VALUES (?,?,?,?,?,?)")) {
        for (ItemMetricRow r : rows) {
          ps.setString(1, r.variant());
          ps.setString(2, r.task());
          ps.setInt(3, r.docId());
          ps.setInt(4, r.seed());
          ps.setString(5, r.metric());
          ps.setDouble(6, r.value());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<ItemMetricRow> itemMetrics() {
    return store.query(c -> {
      List<ItemMetricRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT variant, task, doc_id, seed, metric, "
          + "value FROM mc_item_metrics ORDER BY variant, task, metric, seed, doc_id")) {
        while (rs.next()) {
          out.add(new ItemMetricRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
              rs.getDouble(6)));
        }
      }
      return out;
    });
  }

  public void replaceAnalysis(List<SummaryRow> summary, List<ComparisonRow> comparisons) {
    store.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM mc_summary");
        s.execute("DELETE FROM comparisons");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mc_summary(variant, task, seed, metric, n, mean, lo, "
          + "hi, stderr) VALUES (?,?,?,?,?,?,?,?,?)")) {
        for (SummaryRow r : summary) {
          ps.setString(1, r.variant());
          ps.setString(2, r.task());
          ps.setString(3, r.seed());
          ps.setString(4, r.metric());
          ps.setInt(5, r.n());
          ps.setObject(6, finite(r.mean()));
          ps.setObject(7, finite(r.lo()));
          ps.setObject(8, finite(r.hi()));
          ps.setObject(9, finite(r.stderr()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO comparisons(variant, baseline, task, metric, n, "
          + "mean_variant, mean_baseline, delta, lo, hi, b, c, exact_p, chi2, chi2_p) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (ComparisonRow r : comparisons) {
          ps.setString(1, r.variant());
          ps.setString(2, r.baseline());
          ps.setString(3, r.task());
          ps.setString(4, r.metric());
          ps.setInt(5, r.n());
          ps.setObject(6, finite(r.meanVariant()));
          ps.setObject(7, finite(r.meanBaseline()));
          ps.setObject(8, finite(r.delta()));
          ps.setObject(9, finite(r.lo()));
          ps.setObject(10, finite(r.hi()));
          ps.setObject(11, r.b());
          ps.setObject(12, r.c());
          ps.setObject(13, finite(r.exactP()));
          ps.setObject(14, finite(r.chi2()));
          ps.setObject(15, finite(r.chi2P()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<SummaryRow> summary() {
    return store.query(c -> {
      List<SummaryRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT variant, task, seed, metric, n, mean, "
          + "lo, hi, stderr FROM mc_summary")) {
        while (rs.next()) {
          out.add(new SummaryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
              doubleOrNull(rs, 6), doubleOrNull(rs, 7), doubleOrNull(rs, 8), doubleOrNull(rs, 9)));
        }
      }
      return out;
    });
  }

  public List<ComparisonRow> comparisons() {
    return store.query(c -> {
      List<ComparisonRow> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT variant, baseline, task, metric, n, "
          + "mean_variant, mean_baseline, delta, lo, hi, b, c, exact_p, chi2, chi2_p FROM comparisons")) {
        while (rs.next()) {
          out.add(new ComparisonRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
              doubleOrNull(rs, 6), doubleOrNull(rs, 7), doubleOrNull(rs, 8), doubleOrNull(rs, 9), doubleOrNull(rs, 10), intOrNull(rs, 11), intOrNull(rs, 12),
              doubleOrNull(rs, 13), doubleOrNull(rs, 14), doubleOrNull(rs, 15)));
        }
      }
      return out;
    });
  }

  private static Double finite(Double v) { return v == null || !Double.isFinite(v) ? null : v; }

}
