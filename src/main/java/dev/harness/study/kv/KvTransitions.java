package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.stats.TransitionDetector;
import dev.harness.stats.BinScores;
import dev.harness.stats.BinSeries;
import dev.harness.stats.Transition;
import dev.harness.store.KvAnalysisTables.TransitionRow;
import dev.harness.store.KvDataTables;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds per-budget bin series of the transition metric and records the detector's verdict with its evidence. */
final class KvTransitions {
  private KvTransitions() {}

  static List<TransitionRow> detect(StudyContext ctx, TreeMap<Double, Map<Integer, KvAnalyze.Cell>> cells,
      List<KvDataTables.BinRow> bins) {
    ExperimentConfig c = ctx.config();
    String metric = c.analysis().transition().metric();
    double threshold = c.analysis().transition().threshold();
    BinSeries baseline = null;
    List<BinSeries> others = new ArrayList<>();
    for (var e : cells.descendingMap().entrySet()) {
      List<BinScores> bs = new ArrayList<>();
      for (KvDataTables.BinRow b : bins) {
        KvAnalyze.Cell cell = e.getValue().get(b.binIndex());
        Map<String, Double> scores = cell == null ? Map.of() : cell.scoresByMetric.getOrDefault(metric, Map.of());
        bs.add(new BinScores(b.binIndex(), b.label(), scores));
      }
      BinSeries s = new BinSeries(String.valueOf(e.getKey()), e.getKey(), bs);
      if (e.getKey() >= 1.0) baseline = s; else others.add(s);
    }
    String baselineName = baseline != null ? "budget 1.0, same bin (paired by example)" : "first bin of the same budget";
    // Without an uncompressed run (budget 1.0), each budget is compared with its own first bin.
    List<Transition> found = TransitionDetector.detect(baseline, others, threshold, c.analysis().bootstrapIters(),
        c.analysis().ci(), c.analysis().seed(), metric.toUpperCase(java.util.Locale.ROOT), 1.0);
    List<TransitionRow> rows = new ArrayList<>();
    for (Transition t : found) {
      rows.add(new TransitionRow(t.budget(), metric, threshold, baselineName, t.transitionBin(), t.transitionLabel(),
          t.evidence(), KvPrepare.json(t.bins())));
    }
    return rows;
  }
}
