package dev.harness.store;

import static dev.harness.store.Columns.real;
import static dev.harness.store.Columns.setReal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** finetune's tables: {@code train_runs} (one row per run, kept across resumes) and {@code train_steps}. */
public final class TrainTables {
  private final Store store;

  public TrainTables(Store store) { this.store = store; }

  public record RunRow(String runId, String model, String quantization, String objective, String configJson, int nTrain,
      int nEval, int totalSteps, long loraParams, String adapterDir) {}

  public record StepRow(int step, double epoch, double lr, double loss, double evalLoss, double gradNorm, long tokens,
      double seconds) {}

  public record Finish(String status, Double finalLoss, Double finalEvalLoss, Double evalLo, Double evalHi) {}

  /**
   * Starts (or, on resume, restarts) a run: inserts or updates its row as running and deletes its steps after
   * {@code keepThrough} (those an interrupted run did past its last checkpoint), in one transaction.
   */
  public void start(RunRow r, int keepThrough) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO train_runs(run_id, started_at, status, model, quantization, objective, config_json, n_train, n_eval, "
              + "total_steps, lora_params, adapter_dir) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              + "ON CONFLICT(run_id) DO UPDATE SET status = 'running', finished_at = NULL, config_json = excluded.config_json, "
              + "total_steps = excluded.total_steps")) {
        ps.setString(1, r.runId());
        ps.setString(2, Store.now());
        ps.setString(3, r.model());
        ps.setString(4, r.quantization());
        ps.setString(5, r.objective());
        ps.setString(6, r.configJson());
        ps.setInt(7, r.nTrain());
        ps.setInt(8, r.nEval());
        ps.setInt(9, r.totalSteps());
        ps.setLong(10, r.loraParams());
        ps.setString(11, r.adapterDir());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM train_steps WHERE run_id = ? AND step > ?")) {
        ps.setString(1, r.runId());
        ps.setInt(2, keepThrough);
        ps.executeUpdate();
      }
    });
  }

  public void step(String runId, StepRow s) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT OR REPLACE INTO train_steps(run_id, step, epoch, lr, loss, eval_loss, grad_norm, tokens, seconds) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, runId);
        ps.setInt(2, s.step());
        ps.setDouble(3, s.epoch());
        ps.setDouble(4, s.lr());
        ps.setDouble(5, s.loss());
        setReal(ps, 6, s.evalLoss());
        ps.setDouble(7, s.gradNorm());
        ps.setLong(8, s.tokens());
        ps.setDouble(9, s.seconds());
        ps.executeUpdate();
      }
    });
  }

  public void finish(String runId, Finish f) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE train_runs SET status = ?, finished_at = ?, final_loss = ?, final_eval_loss = ?, eval_ci_lo = ?, eval_ci_hi = ? "
              + "WHERE run_id = ?")) {
        ps.setString(1, f.status());
        ps.setString(2, Store.now());
        setNullable(ps, 3, f.finalLoss());
        setNullable(ps, 4, f.finalEvalLoss());
        setNullable(ps, 5, f.evalLo());
        setNullable(ps, 6, f.evalHi());
        ps.setString(7, runId);
        ps.executeUpdate();
      }
    });
  }

  public List<StepRow> steps(String runId) {
    return store.query(c -> {
      List<StepRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT step, epoch, lr, loss, eval_loss, grad_norm, tokens, seconds FROM train_steps WHERE run_id = ? ORDER BY step")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StepRow(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), real(rs, 5),
                rs.getDouble(6), rs.getLong(7), rs.getDouble(8)));
          }
        }
      }
      return out;
    });
  }


  private static void setNullable(PreparedStatement ps, int i, Double v) throws java.sql.SQLException {
    Columns.setReal(ps, i, v == null ? Double.NaN : v);
  }
}
