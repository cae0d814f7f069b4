package dev.harness.store;

import static dev.harness.store.Columns.doubleOrNull;
import static dev.harness.store.Columns.intOrNull;
import static dev.harness.store.Columns.longOrNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Shared run tables: {@code runs}, {@code requests}, {@code responses}, {@code telemetry}. */
public final class RequestTables {
  private final Store store;

  public RequestTables(Store store) { this.store = store; }

  public record RunRow(String runId, String study, String variant, Double budget, Long seed, String engineKind,
      String model, String engineInfoJson, String configJson, String environmentJson) {}

  public record RequestRow(String unitKey, String runId, String itemId, int sampleIndex, String promptSha256,
      int promptChars, Integer promptTokens, boolean truncated, String paramsJson) {}

  public record ResponseRow(String status, String text, String finishReason, Integer promptTokens,
      Integer completionTokens, String logprobsJson, String errorKind, String errorMessage, Integer httpStatus,
      int attempts) {
    public boolean ok() { return "ok".equals(status); }
  }

  public record TelemetryRow(double latencyMs, Double ttftMs, Integer httpStatus, int attempts, Integer promptTokens,
      Integer completionTokens, Double prefillMs, Double decodeMs, Double decodeTps, Long kvFullBytes,
      Long kvKeptBytes, Long peakRssBytes, String extraJson) {}

  /** Log-likelihood of one gold answer, teacher-forced after the unit's (compressed) prompt. */
  public record AnswerLoglikRow(int answerIndex, String answer, double sumLogprob, int nTokens, double meanLogprob) {}

  /** A stored unit with everything score and analyze need. */
  public record UnitResult(String unitKey, String runId, String variant, Double budget, String itemId,
      boolean truncated, Integer requestPromptTokens, ResponseRow response, TelemetryRow telemetry) {}

  public void upsertRun(RunRow r) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO runs(run_id, study, variant, budget, seed, engine_kind, model, engine_info_json, config_json, "
              + "environment_json, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id) DO UPDATE SET "
              + "engine_info_json = excluded.engine_info_json, config_json = excluded.config_json, "
              + "environment_json = excluded.environment_json")) {
        ps.setString(1, r.runId());
        ps.setString(2, r.study());
        ps.setString(3, r.variant());
        ps.setObject(4, r.budget());
        ps.setObject(5, r.seed());
        ps.setString(6, r.engineKind());
        ps.setString(7, r.model());
        ps.setString(8, r.engineInfoJson());
        ps.setString(9, r.configJson());
        ps.setString(10, r.environmentJson());
        ps.setString(11, Store.now());
        ps.executeUpdate();
      }
    });
  }

  public List<RunRow> runs() {
    return store.query(c -> {
      List<RunRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT run_id, study, variant, budget, seed, engine_kind, model, engine_info_json, config_json, environment_json "
              + "FROM runs ORDER BY budget DESC, run_id")) {
        while (rs.next()) {
          out.add(new RunRow(rs.getString(1), rs.getString(2), rs.getString(3), doubleOrNull(rs, 4),
              longOrNull(rs, 5), rs.getString(6), rs.getString(7),
              rs.getString(8), rs.getString(9), rs.getString(10)));
        }
      }
      return out;
    });
  }

  /** Units whose response is stored with status ok: {@code run} skips them. Error responses are retried. */
  public Set<String> completedUnitKeys() {
    return unitKeys("SELECT unit_key FROM responses WHERE status = 'ok'");
  }

  /** Units with any stored response, ok or error. */
  public Set<String> respondedUnitKeys() {
    return unitKeys("SELECT unit_key FROM responses");
  }

  private Set<String> unitKeys(String sql) {
    return store.query(c -> {
      Set<String> out = new HashSet<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  /** Stores one finished unit (request, response, telemetry) atomically, replacing an earlier failed attempt. */
  public void recordUnit(RequestRow req, ResponseRow resp, TelemetryRow tel) {
    recordUnit(req, resp, tel, List.of());
  }

  /** As {@link #recordUnit(RequestRow, ResponseRow, TelemetryRow)}, with the answers' log-likelihoods. */
  public void recordUnit(RequestRow req, ResponseRow resp, TelemetryRow tel, List<AnswerLoglikRow> logliks) {
    store.transaction(c -> {
      deleteUnit(c, req.unitKey());
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO requests(unit_key, run_id, item_id, sample_index, prompt_sha256, prompt_chars, prompt_tokens, "
              + "truncated, params_json, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, req.unitKey());
        ps.setString(2, req.runId());
        ps.setString(3, req.itemId());
        ps.setInt(4, req.sampleIndex());
        ps.setString(5, req.promptSha256());
        ps.setInt(6, req.promptChars());
        ps.setObject(7, req.promptTokens());
        ps.setInt(8, req.truncated() ? 1 : 0);
        ps.setString(9, req.paramsJson());
        ps.setString(10, Store.now());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO responses(unit_key, status, text, finish_reason, prompt_tokens, completion_tokens, logprobs_json, "
              + "error_kind, error_message, http_status, attempts, completed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, req.unitKey());
        ps.setString(2, resp.status());
        ps.setString(3, resp.text());
        ps.setString(4, resp.finishReason());
        ps.setObject(5, resp.promptTokens());
        ps.setObject(6, resp.completionTokens());
        ps.setString(7, resp.logprobsJson());
        ps.setString(8, resp.errorKind());
        ps.setString(9, resp.errorMessage());
        ps.setObject(10, resp.httpStatus());
        ps.setInt(11, resp.attempts());
        ps.setString(12, Store.now());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO telemetry(unit_key, latency_ms, ttft_ms, http_status, attempts, prompt_tokens, completion_tokens, "
              + "prefill_ms, decode_ms, decode_tps, kv_full_bytes, kv_kept_bytes, peak_rss_bytes, extra_json) "
              + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, req.unitKey());
        ps.setDouble(2, tel.latencyMs());
        ps.setObject(3, tel.ttftMs());
        ps.setObject(4, tel.httpStatus());
        ps.setInt(5, tel.attempts());
        ps.setObject(6, tel.promptTokens());
        ps.setObject(7, tel.completionTokens());
        ps.setObject(8, tel.prefillMs());
        ps.setObject(9, tel.decodeMs());
        ps.setObject(10, tel.decodeTps());
        ps.setObject(11, tel.kvFullBytes());
        ps.setObject(12, tel.kvKeptBytes());
        ps.setObject(13, tel.peakRssBytes());
        ps.setString(14, tel.extraJson());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO answer_logliks(unit_key, answer_index, answer, "
          + "sum_logprob, n_tokens, mean_logprob) VALUES (?,?,?,?,?,?)")) {
        for (AnswerLoglikRow a : logliks) {
          ps.setString(1, req.unitKey());
          ps.setInt(2, a.answerIndex());
          ps.setString(3, a.answer());
          ps.setDouble(4, a.sumLogprob());
          ps.setInt(5, a.nTokens());
          ps.setDouble(6, a.meanLogprob());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  /** Unit key → the best (highest) mean per-token log-likelihood over its gold answers. */
  public java.util.Map<String, Double> bestAnswerLoglik() {
    return store.query(c -> {
      java.util.Map<String, Double> out = new java.util.HashMap<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT unit_key, MAX(mean_logprob) FROM answer_logliks WHERE n_tokens > 0 GROUP BY unit_key")) {
        while (rs.next()) out.put(rs.getString(1), rs.getDouble(2));
      }
      return out;
    });
  }

  private static void deleteUnit(Connection c, String unitKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM requests WHERE unit_key = ?")) {
      ps.setString(1, unitKey);
      ps.executeUpdate();
    }
  }

  /** Every stored unit with its response and telemetry, in run then item order. */
  public List<UnitResult> units() {
    return store.query(c -> {
      List<UnitResult> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT q.unit_key, q.run_id, r.variant, r.budget, q.item_id, q.truncated, q.prompt_tokens, "
              + "p.status, p.text, p.finish_reason, p.prompt_tokens, p.completion_tokens, p.logprobs_json, p.error_kind, "
              + "p.error_message, p.http_status, p.attempts, "
              + "t.latency_ms, t.ttft_ms, t.http_status, t.attempts, t.prompt_tokens, t.completion_tokens, t.prefill_ms, "
              + "t.decode_ms, t.decode_tps, t.kv_full_bytes, t.kv_kept_bytes, t.peak_rss_bytes, t.extra_json "
              + "FROM requests q JOIN runs r USING (run_id) JOIN responses p USING (unit_key) "
              + "LEFT JOIN telemetry t USING (unit_key) ORDER BY r.budget DESC, q.item_id, q.sample_index")) {
        while (rs.next()) {
          ResponseRow resp = new ResponseRow(rs.getString(8), rs.getString(9), rs.getString(10), intOrNull(rs, 11),
              intOrNull(rs, 12), rs.getString(13), rs.getString(14), rs.getString(15), intOrNull(rs, 16), rs.getInt(17));
          TelemetryRow tel = rs.getObject(18) == null ? null : new TelemetryRow(rs.getDouble(18), doubleOrNull(rs, 19),
              intOrNull(rs, 20), rs.getInt(21), intOrNull(rs, 22), intOrNull(rs, 23), doubleOrNull(rs, 24),
              doubleOrNull(rs, 25), doubleOrNull(rs, 26), longOrNull(rs, 27), longOrNull(rs, 28), longOrNull(rs, 29),
              rs.getString(30));
          out.add(new UnitResult(rs.getString(1), rs.getString(2), rs.getString(3), doubleOrNull(rs, 4),
              rs.getString(5), rs.getInt(6) != 0, intOrNull(rs, 7), resp, tel));
        }
      }
      return out;
    });
  }
}
