package dev.harness.stats;

import java.util.List;

/**
 * Where one budget breaks: the first bin meeting the transition rule (null when none), a one-sentence explanation with
 * numbers, and every bin's comparison in bin order.
 */
public record Transition(
    double budget, Integer transitionBin, String transitionLabel, String evidence, List<BinComparison> bins) {
  public Transition {
    bins = List.copyOf(bins);
  }

  /** The bins flagged for a variance spike. */
  public List<Integer> varianceSpikeBins() {
    return bins.stream().filter(BinComparison::varianceSpike).map(BinComparison::binIndex).toList();
  }
}
