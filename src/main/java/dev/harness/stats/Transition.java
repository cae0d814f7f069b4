package dev.harness.stats;

import java.util.List;

/**
 * Where one budget breaks: the first bin meeting the transition rule (null when none), a one-sentence explanation with
 * numbers, every bin's comparison in bin order, and the family the Holm correction ran over.
 *
 * @param alpha the family-wise error rate
 * @param familySize tests in the Holm family (every (budget, bin, metric) with at least
 *     {@link TransitionDetector#MIN_INFORMATIVE} informative pairs, over the whole study)
 */
public record Transition(double budget, Integer transitionBin, String transitionLabel, String evidence,
    List<BinComparison> bins, double alpha, int familySize) {
  public Transition {
    bins = List.copyOf(bins);
  }

  /** The bins flagged for a variance spike (exploratory, not a test). */
  public List<Integer> varianceSpikeBins() {
    return bins.stream().filter(BinComparison::varianceSpike).map(BinComparison::binIndex).toList();
  }
}
