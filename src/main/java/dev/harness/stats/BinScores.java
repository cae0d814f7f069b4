package dev.harness.stats;

import java.util.Map;

/** Per-example scores of one length bin at one budget (example id → score; null or NaN = missing, ignored). */
public record BinScores(int binIndex, String binLabel, Map<String, Double> scoreByExampleId) {
  public BinScores {
    scoreByExampleId = scoreByExampleId == null ? Map.of() : scoreByExampleId;
  }
}
