package dev.harness.stats;

import java.util.List;

/** All bins of one KV budget (e.g. "0.5", 0.5), in any order (sorted by bin index when used). */
public record BinSeries(String budgetLabel, double budget, List<BinScores> bins) {
  public BinSeries {
    bins = bins == null ? List.of() : List.copyOf(bins);
  }
}
