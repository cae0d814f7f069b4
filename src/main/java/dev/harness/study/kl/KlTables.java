package dev.harness.study.kl;

import static dev.harness.store.Columns.doubleOrNull;
import static dev.harness.store.Columns.real;
import static dev.harness.store.Columns.setReal;

import dev.harness.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kl study's tables: {@code prompts}, {@code samples}, {@code token_logprobs}, {@code cross_scores},
 * {@code divergences}, {@code divergence_issues}, {@code divergence_summary}. Doubles that are NaN are stored as NULL
 * (and read back as NaN); infinities are stored as SQLite's ±Inf.
 */
public final class KlTables {
  private final Store store;

  public KlTables(Store store) { this.store = store; }

  public record PromptRow(String promptId, int position, int sourceIndex, String source, String text, String sha256) {}

  /** One sampled response (or its failure) of one variant; {@code responseJson} is the dump's response object. */
  public record SampleRow(String unitKey, String variant, String promptId, int sampleIndex, long seed, String status,
      String model, String provider, String text, String finishReason, Integer promptTokens, Integer completionTokens,
      boolean truncatedPrompt, String errorKind, String errorMessage, Integer httpStatus, int attempts,
      Double latencyMs, String responseJson) {
    public boolean ok() { return "ok".equals(status); }
  }

  /** One position's log-prob under a scorer (the sampler itself, or another variant teacher-forced). */
  public record TokenRow(int position, String token, Integer tokenId, double logprob, String topJson) {}

  /** The outcome of scoring a sample under another variant (teacher forcing). */
  public record CrossRow(String unitKey, String scorer, String status, String model, Integer nTokens, String errorKind,
      String errorMessage, Double latencyMs) {
    public boolean ok() { return "ok".equals(status); }
  }

  public record DivergenceRow(String variantA, String variantB, String estimator, String promptId, int rank,
      double value, double ciLow, double ciHigh, double forward, double reverse, int nSamples, long nTokens,
      double meanCoverage, double minCoverage, double lowCoverageFraction, double tvdLow, double tvdHigh,
      String flags, String extraJson) {}

  public record IssueRow(String kind, String label, long count, String examplesJson) {}

  public record SummaryRow(String variantA, String variantB, String estimator, int nPrompts, int nFinite,
      int nInfinite, int nNan, double mean, double meanLo, double meanHi, double median, double min, double max,
      double ciLevel) {}

  // ------------------------------------------------------------------ prompts

  /**
   * Makes {@code rows} the selected prompts: existing ids are updated in place (their samples stay), ids no longer
   * selected are kept with their samples but marked {@code selected = 0} (rows of another configuration: never
   * deleted, not read by {@link #prompts}).
   */
  public void replacePrompts(List<PromptRow> rows) {
    store.transaction(c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate("UPDATE prompts SET selected = 0");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO prompts(prompt_id, position, source_index, source, "
          + "text, sha256, chars, selected) VALUES (?,?,?,?,?,?,?,1) ON CONFLICT(prompt_id) DO UPDATE SET "
          + "position = excluded.position, source_index = excluded.source_index, source = excluded.source, "
          + "text = excluded.text, sha256 = excluded.sha256, chars = excluded.chars, selected = 1")) {
        for (PromptRow r : rows) {
          ps.setString(1, r.promptId());
          ps.setInt(2, r.position());
          ps.setInt(3, r.sourceIndex());
          ps.setString(4, r.source());
          ps.setString(5, r.text());
          ps.setString(6, r.sha256());
          ps.setInt(7, r.text().length());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  public List<PromptRow> prompts() {
    return store.query(c -> {
      List<PromptRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT prompt_id, position, source_index, source, text, sha256 FROM prompts WHERE selected = 1 ORDER BY position")) {
        while (rs.next()) {
          out.add(new PromptRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getString(5),
              rs.getString(6)));
        }
      }
      return out;
    });
  }

  // ------------------------------------------------------------------ samples

  /** Stores one unit (its sample row and the sampler's own token rows) atomically, replacing an earlier attempt. */
  public void recordSample(SampleRow r, List<TokenRow> tokens) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM samples WHERE unit_key = ?")) {
        ps.setString(1, r.unitKey());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO samples(unit_key, variant, prompt_id, sample_index, "
          + "seed, status, model, provider, text, finish_reason, prompt_tokens, completion_tokens, truncated_prompt, "
          + "error_kind, error_message, http_status, attempts, latency_ms, response_json, completed_at) "
          + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.variant());
        ps.setString(3, r.promptId());
        ps.setInt(4, r.sampleIndex());
        ps.setLong(5, r.seed());
        ps.setString(6, r.status());
        ps.setString(7, r.model());
        ps.setString(8, r.provider());
        ps.setString(9, r.text());
        ps.setString(10, r.finishReason());
        ps.setObject(11, r.promptTokens());
        ps.setObject(12, r.completionTokens());
        ps.setInt(13, r.truncatedPrompt() ? 1 : 0);
        ps.setString(14, r.errorKind());
        ps.setString(15, r.errorMessage());
        ps.setObject(16, r.httpStatus());
        ps.setInt(17, r.attempts());
        ps.setObject(18, r.latencyMs());
        ps.setString(19, r.responseJson());
        ps.setString(20, Store.now());
        ps.executeUpdate();
      }
      insertTokens(c, r.unitKey(), r.variant(), tokens);
    });
  }

  /** Unit keys of samples stored with status ok. */
  public Set<String> okSampleKeys() { return keys("SELECT unit_key FROM samples WHERE status = 'ok'"); }

  /** Unit keys with any stored outcome, ok or error. */
  public Set<String> sampleKeys() { return keys("SELECT unit_key FROM samples"); }

  /**
   * Every sample row (ok and error), by variant, prompt position, sample index — without the stored response
   * objects ({@code responseJson} null), the largest column, which only the dumps read ({@link #samplesWithResponses}).
   */
  public List<SampleRow> samples() { return samples(false); }

  /** {@link #samples} with each row's response object (for writing the dumps). */
  public List<SampleRow> samplesWithResponses() { return samples(true); }

  private List<SampleRow> samples(boolean withResponses) {
    return store.query(c -> {
      List<SampleRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT s.unit_key, s.variant, s.prompt_id, "
          + "s.sample_index, s.seed, s.status, s.model, s.provider, s.text, s.finish_reason, s.prompt_tokens, "
          + "s.completion_tokens, s.truncated_prompt, s.error_kind, s.error_message, s.http_status, s.attempts, "
          + "s.latency_ms, " + (withResponses ? "s.response_json" : "NULL") + " FROM samples s JOIN prompts p ON p.prompt_id = s.prompt_id "
          + "ORDER BY s.variant, p.position, s.sample_index")) {
        while (rs.next()) {
          out.add(new SampleRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
              rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
              (Integer) rs.getObject(11), (Integer) rs.getObject(12), rs.getInt(13) != 0, rs.getString(14),
              rs.getString(15), (Integer) rs.getObject(16), rs.getInt(17), doubleOrNull(rs, 18),
              rs.getString(19)));
        }
      }
      return out;
    });
  }

  /** The token rows of a unit under a scorer, by position. */
  public List<TokenRow> tokens(String unitKey, String scorer) {
    return store.query(c -> {
      List<TokenRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT position, token, token_id, logprob, top_json FROM "
          + "token_logprobs WHERE unit_key = ? AND scorer = ? ORDER BY position")) {
        ps.setString(1, unitKey);
        ps.setString(2, scorer);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new TokenRow(rs.getInt(1), rs.getString(2), (Integer) rs.getObject(3), real(rs, 4),
                rs.getString(5)));
          }
        }
      }
      return out;
    });
  }

  public long count(String table) {
    if (!table.matches("[a-z_]+")) throw new IllegalArgumentException(table);
    return store.query(c -> {
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  // ------------------------------------------------------------------ teacher-forced scores

  /** Stores the scores of one sample under {@code scorer} atomically, replacing an earlier attempt. */
  public void recordCross(CrossRow r, List<TokenRow> tokens) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM cross_scores WHERE unit_key = ? AND scorer = ?")) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.scorer());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM token_logprobs WHERE unit_key = ? AND scorer = ?")) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.scorer());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO cross_scores(unit_key, scorer, status, model, "
          + "n_tokens, error_kind, error_message, latency_ms, completed_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, r.unitKey());
        ps.setString(2, r.scorer());
        ps.setString(3, r.status());
        ps.setString(4, r.model());
        ps.setObject(5, r.nTokens());
        ps.setString(6, r.errorKind());
        ps.setString(7, r.errorMessage());
        ps.setObject(8, r.latencyMs());
        ps.setString(9, Store.now());
        ps.executeUpdate();
      }
      insertTokens(c, r.unitKey(), r.scorer(), tokens);
    });
  }

  /** "unit_key|scorer" of the teacher-forced scores stored with status ok. */
  /**
   * Per {@code unit_key|scorer} for scorers starting with {@code scorerPrefix}: the sum of the stored token
   * log-probs, NaN when any of them is NaN (stored as NULL). Scorings with no token rows (an empty text) are absent.
   */
  public Map<String, Double> logprobSums(String scorerPrefix) {
    return store.query(c -> {
      Map<String, Double> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT unit_key || '|' || scorer, CASE WHEN COUNT(logprob) < "
          + "COUNT(*) THEN NULL ELSE SUM(logprob) END FROM token_logprobs WHERE substr(scorer, 1, ?) = ? "
          + "GROUP BY unit_key, scorer")) {
        ps.setInt(1, scorerPrefix.length());
        ps.setString(2, scorerPrefix);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), real(rs, 2));
        }
      }
      return out;
    });
  }

  public Set<String> okCrossKeys() {
    return keys("SELECT unit_key || '|' || scorer FROM cross_scores WHERE status = 'ok'");
  }

  public List<CrossRow> crossScores() {
    return store.query(c -> {
      List<CrossRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT unit_key, scorer, status, model, n_tokens, "
          + "error_kind, error_message, latency_ms FROM cross_scores ORDER BY unit_key, scorer")) {
        while (rs.next()) {
          out.add(new CrossRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              (Integer) rs.getObject(5), rs.getString(6), rs.getString(7), doubleOrNull(rs, 8)));
        }
      }
      return out;
    });
  }

  // ------------------------------------------------------------------ divergences

  /** Replaces every divergence and input-issue row in one transaction. */
  public void replaceDivergences(List<DivergenceRow> rows, List<IssueRow> issues) {
    store.transaction(c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate("DELETE FROM divergences");
        s.executeUpdate("DELETE FROM divergence_issues");
        s.executeUpdate("DELETE FROM divergence_summary");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO divergences(variant_a, variant_b, estimator, prompt_id, "
          + "rank, value, ci_low, ci_high, forward, reverse, n_samples, n_tokens, mean_coverage, min_coverage, "
          + "low_coverage_fraction, tvd_low, tvd_high, flags, extra_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (DivergenceRow r : rows) {
          ps.setString(1, r.variantA());
          ps.setString(2, r.variantB());
          ps.setString(3, r.estimator());
          ps.setString(4, r.promptId());
          ps.setInt(5, r.rank());
          setReal(ps, 6, r.value());
          setReal(ps, 7, r.ciLow());
          setReal(ps, 8, r.ciHigh());
          setReal(ps, 9, r.forward());
          setReal(ps, 10, r.reverse());
          ps.setInt(11, r.nSamples());
          ps.setLong(12, r.nTokens());
          setReal(ps, 13, r.meanCoverage());
          setReal(ps, 14, r.minCoverage());
          setReal(ps, 15, r.lowCoverageFraction());
          setReal(ps, 16, r.tvdLow());
          setReal(ps, 17, r.tvdHigh());
          ps.setString(18, r.flags());
          ps.setString(19, r.extraJson());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO divergence_issues(kind, label, count, examples_json) VALUES (?,?,?,?)")) {
        for (IssueRow r : issues) {
          ps.setString(1, r.kind());
          ps.setString(2, r.label());
          ps.setLong(3, r.count());
          ps.setString(4, r.examplesJson());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    });
  }

  /** Every divergence row by rank. */
  public List<DivergenceRow> divergences() {
    return store.query(c -> {
      List<DivergenceRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT variant_a, variant_b, estimator, prompt_id, "
          + "rank, value, ci_low, ci_high, forward, reverse, n_samples, n_tokens, mean_coverage, min_coverage, "
          + "low_coverage_fraction, tvd_low, tvd_high, flags, extra_json FROM divergences ORDER BY rank")) {
        while (rs.next()) {
          out.add(new DivergenceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
              real(rs, 6), real(rs, 7), real(rs, 8), real(rs, 9), real(rs, 10), rs.getInt(11), rs.getLong(12),
              real(rs, 13), real(rs, 14), real(rs, 15), real(rs, 16), real(rs, 17), rs.getString(18),
              rs.getString(19)));
        }
      }
      return out;
    });
  }

  public List<IssueRow> issues() {
    return store.query(c -> {
      List<IssueRow> out = new ArrayList<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT kind, label, count, examples_json FROM divergence_issues ORDER BY kind")) {
        while (rs.next()) out.add(new IssueRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
      }
      return out;
    });
  }

  public void replaceSummary(SummaryRow r) {
    store.transaction(c -> {
      try (var s = c.createStatement()) {
        s.executeUpdate("DELETE FROM divergence_summary");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO divergence_summary(variant_a, variant_b, estimator, "
          + "n_prompts, n_finite, n_infinite, n_nan, mean, mean_lo, mean_hi, median, min, max, ci_level) "
          + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, r.variantA());
        ps.setString(2, r.variantB());
        ps.setString(3, r.estimator());
        ps.setInt(4, r.nPrompts());
        ps.setInt(5, r.nFinite());
        ps.setInt(6, r.nInfinite());
        ps.setInt(7, r.nNan());
        setReal(ps, 8, r.mean());
        setReal(ps, 9, r.meanLo());
        setReal(ps, 10, r.meanHi());
        setReal(ps, 11, r.median());
        setReal(ps, 12, r.min());
        setReal(ps, 13, r.max());
        ps.setDouble(14, r.ciLevel());
        ps.executeUpdate();
      }
    });
  }

  public java.util.Optional<SummaryRow> summary() {
    return store.query(c -> {
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT variant_a, variant_b, estimator, n_prompts, "
          + "n_finite, n_infinite, n_nan, mean, mean_lo, mean_hi, median, min, max, ci_level FROM divergence_summary")) {
        if (!rs.next()) return java.util.Optional.<SummaryRow>empty();
        return java.util.Optional.of(new SummaryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
            rs.getInt(5), rs.getInt(6), rs.getInt(7), real(rs, 8), real(rs, 9), real(rs, 10), real(rs, 11),
            real(rs, 12), real(rs, 13), rs.getDouble(14)));
      }
    });
  }

  // ------------------------------------------------------------------ helpers

  private static void insertTokens(Connection c, String unitKey, String scorer, List<TokenRow> tokens)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO token_logprobs(unit_key, scorer, position, token, "
        + "token_id, logprob, top_json) VALUES (?,?,?,?,?,?,?)")) {
      for (TokenRow t : tokens) {
        ps.setString(1, unitKey);
        ps.setString(2, scorer);
        ps.setInt(3, t.position());
        ps.setString(4, t.token());
        ps.setObject(5, t.tokenId());
        setReal(ps, 6, t.logprob());
        ps.setString(7, t.topJson());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private Set<String> keys(String sql) {
    return store.query(c -> {
      Set<String> out = new HashSet<>();
      try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }
}
