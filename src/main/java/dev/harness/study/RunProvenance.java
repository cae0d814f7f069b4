package dev.harness.study;

import dev.harness.config.ExperimentConfig;

/**
 * What a report is built from: the hash of the effective configuration (after {@code --set}), the number of units the
 * current configuration defines, how many of them have stored rows, and the number of stored rows of the same kind
 * that belong to other configurations (kept in the store, never used by score, analyze or report). {@code unit} names
 * that kind: {@code units} (one row per unit: kv, output_control, mc_eval) or {@code samples} (kl, whose units are
 * samples); kl's teacher-forced cross scores of other configurations are a separate figure, {@code otherScores}.
 */
public record RunProvenance(String configHash, long currentUnits, long storedCurrent, long otherRows, String unit,
    long otherScores) {

  public RunProvenance {
    unit = unit == null ? "units" : unit;
  }

  public static RunProvenance of(ExperimentConfig c, long currentUnits, long storedCurrent, long otherRows) {
    return new RunProvenance(configHash(c), currentUnits, storedCurrent, otherRows, "units", 0);
  }

  /** kl: both counts are samples (current sample units, stored samples of other configurations); cross scores apart. */
  public static RunProvenance ofSamples(ExperimentConfig c, long currentSamples, long storedCurrent, long otherSamples,
      long otherCrossScores) {
    return new RunProvenance(configHash(c), currentSamples, storedCurrent, otherSamples, "samples", otherCrossScores);
  }

  /** From key sets: the current units' keys and the keys of every stored row (current or not). */
  public static RunProvenance fromKeys(ExperimentConfig c, java.util.Set<String> current, java.util.Set<String> stored) {
    long mine = stored.stream().filter(current::contains).count();
    return of(c, current.size(), mine, stored.size() - mine);
  }

  /** The first 12 hex digits of the SHA-256 of the effective configuration's JSON. */
  /**
   * The hash of the study's effective config: the common sections and the study's own (no other study's defaults, so
   * changing one study's defaults no longer changes another's hash).
   */
  public static String configHash(ExperimentConfig c) { return UnitIdentity.hash(c); }

  /** One line for a report header; both counts name the same kind of row ({@link #unit}). */
  public String line() {
    String rows = unit.equals("units") ? "rows" : unit;
    return "Built from: config hash `" + configHash + "`; " + currentUnits + " " + unit + " of the current configuration ("
        + storedCurrent + " with stored rows)" + (otherRows > 0 ? "; " + otherRows + " stored " + rows
            + " from other configurations are kept and not used" : "; no " + rows + " from other configurations")
        + (otherScores > 0 ? "; " + otherScores + " cross scores of other configurations are kept and not used" : "");
  }
}
