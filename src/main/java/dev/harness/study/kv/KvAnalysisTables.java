package dev.harness.study.kv;

import static dev.harness.store.Columns.doubleOrNull;
import static dev.harness.store.Columns.intOrNull;

import dev.harness.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The kv_transition study's aggregates: {@code bin_stats} per (budget, bin) and {@code transition_summary} per budget. */
public final class KvAnalysisTables {
  private final Store store;

  public KvAnalysisTables(Store store) { this.store = store; }

  /** A mean with its interval; all null when nothing was scored. */
  public record Ci(Double mean, Double lo, Double hi) {
    public static Ci none() { return new Ci(null, null, null); }
  }

  public record BinStatRow(double budget, int binIndex, String binLabel, int nUnits, int nScored, Ci em, Ci f1,
      Ci answerLoglik, int nFailed, Ci failRate, int nInfraFailed, Double latencyP50Ms, Double latencyP95Ms,
      Double kvFullBytesMean, Double kvKeptBytesMean) {}

  public record TransitionRow(double budget, String metric, double threshold, String baseline, Integer transitionBin,
      String transitionLabel, String evidence, String detailsJson) {}

  public void replace(List<BinStatRow> stats, List<TransitionRow> transitions) {
    store.transaction(c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate("DELETE FROM bin_stats");
        s.executeUpdate("DELETE FROM transition_summary");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO bin_stats(budget, bin_index, bin_label, n_units, n_scored, em_mean, em_lo, em_hi, f1_mean, f1_lo, "
              + "f1_hi, answer_loglik_mean, answer_loglik_lo, answer_loglik_hi, n_failed, fail_rate, fail_lo, fail_hi, "
              + "n_infra_failed, latency_p50_ms, latency_p95_ms, kv_full_bytes_mean, kv_kept_bytes_mean) "
              + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (BinStatRow r : stats) {
          int i = 1;
          ps.setDouble(i++, r.budget());
          ps.setInt(i++, r.binIndex());
          ps.setString(i++, r.binLabel());
          ps.setInt(i++, r.nUnits());
          ps.setInt(i++, r.nScored());
          for (Ci ci : List.of(r.em(), r.f1(), r.answerLoglik())) {
            ps.setObject(i++, ci.mean());
            ps.setObject(i++, ci.lo());
            ps.setObject(i++, ci.hi());
          }
          ps.setInt(i++, r.nFailed());
          ps.setObject(i++, r.failRate().mean());
          ps.setObject(i++, r.failRate().lo());
          ps.setObject(i++, r.failRate().hi());
          ps.setInt(i++, r.nInfraFailed());
          ps.setObject(i++, r.latencyP50Ms());
          ps.setObject(i++, r.latencyP95Ms());
          ps.setObject(i++, r.kvFullBytesMean());
          ps.setObject(i, r.kvKeptBytesMean());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO transition_summary(budget, metric, threshold, baseline, transition_bin, transition_label, evidence, "
              + "details_json) VALUES (?,?,?,?,?,?,?,?)")) {
        for (TransitionRow t : transitions) {
          ps.setDouble(1, t.budget());
          ps.setString(2, t.metric());
          ps.setDouble(3, t.threshold());
          ps.setString(4, t.baseline());
          ps.setObject(5, t.transitionBin());
          ps.setString(6, t.transitionLabel());
          ps.setString(7, t.evidence());
          ps.setString(8, t.detailsJson());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<BinStatRow> binStats() {
    return store.query(c -> {
      List<BinStatRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT budget, bin_index, bin_label, n_units, n_scored, em_mean, em_lo, em_hi, f1_mean, f1_lo, f1_hi, "
              + "answer_loglik_mean, answer_loglik_lo, answer_loglik_hi, n_failed, fail_rate, fail_lo, fail_hi, "
              + "n_infra_failed, latency_p50_ms, latency_p95_ms, kv_full_bytes_mean, kv_kept_bytes_mean "
              + "FROM bin_stats ORDER BY budget DESC, bin_index")) {
        while (rs.next()) {
          out.add(new BinStatRow(rs.getDouble(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
              ci(rs, 6), ci(rs, 9), ci(rs, 12), rs.getInt(15), ci(rs, 16), rs.getInt(19),
              doubleOrNull(rs, 20), doubleOrNull(rs, 21), doubleOrNull(rs, 22),
              doubleOrNull(rs, 23)));
        }
      }
      return out;
    });
  }

  private static Ci ci(ResultSet rs, int i) throws java.sql.SQLException {
    return new Ci(doubleOrNull(rs, i), doubleOrNull(rs, i + 1), doubleOrNull(rs, i + 2));
  }

  public List<TransitionRow> transitions() {
    return store.query(c -> {
      List<TransitionRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT budget, metric, threshold, baseline, transition_bin, transition_label, evidence, details_json "
              + "FROM transition_summary ORDER BY budget DESC, metric")) {
        while (rs.next()) {
          out.add(new TransitionRow(rs.getDouble(1), rs.getString(2), rs.getDouble(3), rs.getString(4),
              intOrNull(rs, 5), rs.getString(6), rs.getString(7), rs.getString(8)));
        }
      }
      return out;
    });
  }
}
