package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.config.AnalysisConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A variant against the baseline on hand-built paired outcomes. */
class ControlComparisonTest {
  static ControlAnalyze.Scored scored(String engine, int k, double tvd, int r) {
    ControlItem it = new ControlItem("given_words/plain/pair0" + k + "/p50/r" + r, ControlItem.GIVEN, "plain", k, "a",
        "b", null, 50, r, "eval");
    return new ControlAnalyze.Scored(engine, it, new ControlTables.ResultRow(engine, it.itemId(), "tvd", tvd,
        tvd <= r / 100.0, "a", 0, "b", 0, 0, 0));
  }

  @Test
  void pairedOutcomesGiveMcNemarAndTheTvdDifference() {
    List<ControlAnalyze.Scored> s = new ArrayList<>();
    // 6 items at r = 10: the baseline passes items 0-1, the adapter items 0-5 (c = 4 discordant, b = 0)
    double[] base = {0.05, 0.08, 0.5, 0.6, 0.7, 0.4};
    double[] adapter = {0.05, 0.02, 0.1, 0.1, 0.1, 0.1};
    for (int k = 0; k < 6; k++) {
      s.add(scored("base", k, base[k], 10));
      s.add(scored("adapter", k, adapter[k], 10));
    }
    s.add(scored("adapter", 7, 0.0, 10)); // no baseline score: not paired
    List<ControlTables.ComparisonRow> rows = ControlComparison.compare(List.of("base", "adapter"), s,
        new AnalysisConfig(1000, 0.95, 7L, null));
    assertEquals(2, rows.size(), "all + given_words/plain");
    ControlTables.ComparisonRow all = rows.get(0);
    assertEquals("all", all.caseName());
    assertEquals(6, all.n());
    assertEquals(2, all.baselinePasses());
    assertEquals(6, all.passes());
    assertEquals(0, all.onlyBaseline());
    assertEquals(4, all.onlyVariant());
    assertEquals(0.125, all.mcnemarP(), 1e-12); // 2 × 0.5^4
    // mean(adapter − base) = (0 − 0.06 − 0.4 − 0.5 − 0.6 − 0.3) / 6 = −1.86 / 6
    assertEquals(-1.86 / 6, all.tvdDiff(), 1e-12);
    assertEquals(true, all.tvdDiffLo() <= all.tvdDiff() && all.tvdDiff() <= all.tvdDiffHi());
    assertEquals(true, all.tvdDiffHi() < 0);
    assertEquals(0, ControlComparison.compare(List.of("base"), s, new AnalysisConfig(1000, 0.95, 7L, null)).size());
  }
}
