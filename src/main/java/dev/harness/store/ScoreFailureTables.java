package dev.harness.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Per-unit metrics ({@code scores}) and classified failures with their evidence ({@code failures}). */
public final class ScoreFailureTables {
  private final Store store;

  public ScoreFailureTables(Store store) { this.store = store; }

  public record ScoreRow(String unitKey, String metric, double value) {}

  public record FailureRow(String unitKey, String failureType, boolean infrastructure, String evidence) {}

  /** Replaces all scores and failures in one transaction (score is idempotent). */
  public void replaceAll(List<ScoreRow> scores, List<FailureRow> failures) {
    store.transaction(c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate("DELETE FROM scores");
        s.executeUpdate("DELETE FROM failures");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO scores(unit_key, metric, value) VALUES (?,?,?)")) {
        for (ScoreRow r : scores) {
          ps.setString(1, r.unitKey());
          ps.setString(2, r.metric());
          ps.setDouble(3, r.value());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      insertFailures(c, failures);
    });
  }

  /**
   * Stores one unit's failures as the unit fails (run phase), replacing that unit's earlier rows, so the evidence
   * survives a run in which every unit fails; score later replaces the whole table with the same classification.
   */
  public void replaceUnitFailures(String unitKey, List<FailureRow> failures) {
    store.transaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM failures WHERE unit_key = ?")) {
        del.setString(1, unitKey);
        del.executeUpdate();
      }
      insertFailures(c, failures);
    });
  }

  public List<ScoreRow> scores() {
    return store.query(c -> {
      List<ScoreRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT unit_key, metric, value FROM scores ORDER BY unit_key, metric")) {
        while (rs.next()) out.add(new ScoreRow(rs.getString(1), rs.getString(2), rs.getDouble(3)));
      }
      return out;
    });
  }

  public List<FailureRow> failures() {
    return store.query(c -> {
      List<FailureRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT unit_key, failure_type, infrastructure, evidence FROM failures ORDER BY unit_key, failure_type")) {
        while (rs.next()) out.add(new FailureRow(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getString(4)));
      }
      return out;
    });
  }

  private static void insertFailures(java.sql.Connection c, List<FailureRow> failures) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO failures(unit_key, failure_type, infrastructure, evidence) VALUES (?,?,?,?)")) {
      for (FailureRow r : failures) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.failureType());
        ps.setInt(3, r.infrastructure() ? 1 : 0);
        ps.setString(4, r.evidence());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
