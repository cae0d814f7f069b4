package dev.harness.study;

import dev.harness.config.ExperimentConfig;

/**
 * What a report is built from: the hash of the effective configuration (after {@code --set}), the number of units the
 * current configuration defines, how many of them have stored rows, and the number of stored rows that belong to
 * other configurations (kept in the store, never used by score, analyze or report).
 */
public record RunProvenance(String configHash, long currentUnits, long storedCurrent, long otherRows) {

  public static RunProvenance of(ExperimentConfig c, long currentUnits, long storedCurrent, long otherRows) {
    return new RunProvenance(configHash(c), currentUnits, storedCurrent, otherRows);
  }

  /** From key sets: the current units' keys and the keys of every stored row (current or not). */
  public static RunProvenance fromKeys(ExperimentConfig c, java.util.Set<String> current, java.util.Set<String> stored) {
    long mine = stored.stream().filter(current::contains).count();
    return of(c, current.size(), mine, stored.size() - mine);
  }

  /** The first 12 hex digits of the SHA-256 of the effective configuration's JSON. */
  public static String configHash(ExperimentConfig c) { return UnitIdentity.hash(c); }

  /** One line for a report header. */
  public String line() {
    return "Built from: config hash `" + configHash + "`; " + currentUnits + " units of the current configuration ("
        + storedCurrent + " with stored rows)" + (otherRows > 0 ? "; " + otherRows
            + " stored rows from other configurations are kept and not used" : "; no rows from other configurations");
  }
}
