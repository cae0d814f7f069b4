package dev.harness.store;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test support: stores as the pre-split harness wrote them (one chain V1..V8 in {@code PRAGMA user_version}, the
 * scripts kept verbatim under test resources {@code legacy/}), and the documented per-study table lists of
 * docs/schema.md.
 */
public final class LegacyStores {
  private LegacyStores() {}

  /** The old single chain, in order (the pre-split {@code Store.MIGRATIONS}). */
  public static final List<String> MIGRATIONS = List.of("V1__base.sql", "V2__answer_logliks.sql",
      "V3__kl.sql", "V4__output_control.sql", "V5__mc_eval.sql", "V6__finetune.sql",
      "V7__run_identity.sql", "V8__mc_failures.sql");

  /** docs/schema.md: the tables of every file. */
  public static final Set<String> SHARED_TABLES = Set.of("schema_versions", "phases", "runs", "requests", "responses",
      "telemetry", "scores", "failures");

  /** docs/schema.md: each study's own tables. */
  public static final Map<String, Set<String>> STUDY_TABLES = Map.of(
      "kv_transition", Set.of("datasets", "examples", "bins", "manifest_entries", "bin_stats", "transition_summary",
          "answer_logliks"),
      "kl", Set.of("prompts", "samples", "token_logprobs", "cross_scores", "divergences", "divergence_issues",
          "divergence_summary"),
      "output_control", Set.of("control_words", "control_items", "control_responses", "control_results",
          "control_summary", "control_comparisons"),
      "mc_eval", Set.of("mc_tasks", "mc_items", "mc_choices", "mc_results", "mc_item_metrics", "mc_summary",
          "comparisons", "mc_failures"),
      "finetune", Set.of("train_runs", "train_steps"));

  /** The tables a store of {@code study} must hold, exactly. */
  public static Set<String> expectedTables(String study) {
    Set<String> s = new TreeSet<>(SHARED_TABLES);
    s.addAll(STUDY_TABLES.get(study));
    return s;
  }

  /** Writes a legacy store at {@code version} (1..8) the way the old {@code Store.migrate} did. */
  public static void write(Path file, int version) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys=ON");
      for (int v = 0; v < version; v++) {
        for (String stmt : Store.splitStatements(resource(MIGRATIONS.get(v)))) s.execute(stmt);
      }
      s.execute("PRAGMA user_version = " + version);
    }
  }

  public static String resource(String name) throws Exception {
    try (InputStream in = Store.class.getResourceAsStream("legacy/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The file's tables (sqlite_master, type table, less sqlite_* internals). */
  public static Set<String> tables(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      return tables(c);
    }
  }

  static Set<String> tables(Connection c) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Statement s = c.createStatement(); var rs = s.executeQuery(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }

  /**
   * Each object's shape: table -> its columns (name, type, not null, default, pk), its foreign keys and its indexes'
   * columns, as SQLite reports them; two files with equal shapes accept the same rows.
   */
  static Map<String, String> shapes(Connection c, Set<String> tables) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Statement s = c.createStatement()) {
      for (String t : tables) {
        StringBuilder b = new StringBuilder();
        try (var rs = s.executeQuery("PRAGMA table_info(" + t + ")")) {
          while (rs.next()) {
            b.append(rs.getString("name")).append(' ').append(rs.getString("type")).append(' ')
                .append(rs.getInt("notnull")).append(' ').append(rs.getString("dflt_value")).append(' ')
                .append(rs.getInt("pk")).append("; ");
          }
        }
        try (var rs = s.executeQuery("PRAGMA foreign_key_list(" + t + ")")) {
          while (rs.next()) {
            b.append("fk ").append(rs.getString("from")).append("->").append(rs.getString("table")).append('.')
                .append(rs.getString("to")).append(' ').append(rs.getString("on_delete")).append("; ");
          }
        }
        Set<String> idx = new TreeSet<>();
        try (var rs = s.executeQuery("PRAGMA index_list(" + t + ")")) {
          while (rs.next()) idx.add(rs.getInt("unique") + ":" + rs.getString("origin") + ":" + rs.getString("name")
              .replaceAll("^sqlite_autoindex_.*", "auto").replace("_v7", ""));
        }
        b.append("idx ").append(idx);
        out.put(t, b.toString());
      }
    }
    return out;
  }
}
