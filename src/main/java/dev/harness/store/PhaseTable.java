package dev.harness.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** Which lifecycle phases completed, with the fingerprint of their inputs (for {@code all}'s skip-if-done). */
public final class PhaseTable {
  private final Store store;

  public PhaseTable(Store store) { this.store = store; }

  /** A done phase; {@code inputsJson} is the canonical JSON of its own inputs (null for records before schema 7). */
  public record PhaseRecord(String phase, String fingerprint, String completedAt, String summary, String inputsJson) {}

  public Optional<PhaseRecord> get(String phase) {
    return store.query(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT phase, fingerprint, completed_at, summary, inputs_json FROM phases WHERE phase = ?")) {
        ps.setString(1, phase);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new PhaseRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5)))
              : Optional.empty();
        }
      }
    });
  }

  public void markDone(String phase, String fingerprint, String summary) { markDone(phase, fingerprint, summary, null); }

  public void markDone(String phase, String fingerprint, String summary, String inputsJson) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO phases(phase, fingerprint, completed_at, summary, inputs_json) VALUES (?, ?, ?, ?, ?) "
              + "ON CONFLICT(phase) DO UPDATE SET fingerprint = excluded.fingerprint, completed_at = excluded.completed_at, "
              + "summary = excluded.summary, inputs_json = excluded.inputs_json")) {
        ps.setString(1, phase);
        ps.setString(2, fingerprint);
        ps.setString(3, Store.now());
        ps.setString(4, summary);
        ps.setString(5, inputsJson);
        ps.executeUpdate();
      }
    });
  }

  /** Forget a phase and every phase after it (their inputs changed). */
  public void invalidateFrom(java.util.List<String> phases) {
    store.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM phases WHERE phase = ?")) {
        for (String p : phases) {
          ps.setString(1, p);
          ps.executeUpdate();
        }
      }
    });
  }
}
