package dev.harness.stats;

import java.util.List;

/**
 * One metric's series for {@link TransitionDetector}: the budget-1.0 baseline (null when budget 1.0 was not run) and
 * the compressed budgets. {@code displayName} and {@code displayScale} (e.g. "F1", 100) only shape the evidence
 * sentence.
 */
public record TransitionInput(String metric, String displayName, double displayScale, BinSeries baseline,
    List<BinSeries> others) {
  public TransitionInput {
    others = List.copyOf(others);
  }
}
