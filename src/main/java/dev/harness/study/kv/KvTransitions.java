package dev.harness.study.kv;

import dev.harness.study.Json;
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

  static boolean isLoglik(String metric) { return "answer_loglik".equals(metric); }

  /**
   * The threshold rule compares a bin's mean with a fraction of the baseline's, which needs a non-negative scale. A
   * mean per-token log-likelihood is compared as the per-token probability exp(loglik), so a threshold of 0.7 means
   * "the gold answer became 30% less likely per token than with the full cache".
   */
  static Map<String, Double> comparable(String metric, Map<String, Double> scores) {
    if (!isLoglik(metric)) return scores;
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    scores.forEach((k, v) -> out.put(k, Math.exp(v)));
    return out;
  }

  /** Transitions for every scored metric, the headline metric ({@code analysis.transition.metric}) first. */
  static List<TransitionRow> detect(StudyContext ctx, TreeMap<Double, Map<Integer, KvAnalyze.Cell>> cells,
      List<KvDataTables.BinRow> bins) {
    ExperimentConfig c = ctx.config();
    List<String> metrics = new ArrayList<>();
    metrics.add(c.analysis().transition().metric());
    c.scoring().metrics().stream().filter(m -> !metrics.contains(m)).forEach(metrics::add);
    List<TransitionRow> rows = new ArrayList<>();
    for (String m : metrics) rows.addAll(detect(ctx, cells, bins, m));
    return rows;
  }

  private static List<TransitionRow> detect(StudyContext ctx, TreeMap<Double, Map<Integer, KvAnalyze.Cell>> cells,
      List<KvDataTables.BinRow> bins, String metric) {
    ExperimentConfig c = ctx.config();
    double threshold = c.analysis().transition().threshold();
    BinSeries baseline = null;
    List<BinSeries> others = new ArrayList<>();
    for (var e : cells.descendingMap().entrySet()) {
      List<BinScores> bs = new ArrayList<>();
      for (KvDataTables.BinRow b : bins) {
        KvAnalyze.Cell cell = e.getValue().get(b.binIndex());
        Map<String, Double> scores = cell == null ? Map.of() : comparable(metric, cell.scoresByMetric.getOrDefault(metric, Map.of()));
        bs.add(new BinScores(b.binIndex(), b.label(), scores));
      }
      BinSeries s = new BinSeries(String.valueOf(e.getKey()), e.getKey(), bs);
      if (e.getKey() >= 1.0) baseline = s; else others.add(s);
    }
    String baselineName = (isLoglik(metric) ? "per-token probability exp(answer_loglik); " : "") + (baseline != null ? "budget 1.0, same bin (paired by example)" : "first bin of the same budget");
    // Without an uncompressed run (budget 1.0), each budget is compared with its own first bin.
    List<Transition> found = TransitionDetector.detect(baseline, others, threshold, c.analysis().bootstrapIters(),
        c.analysis().ci(), c.analysis().seed(), isLoglik(metric) ? "exp(answer_loglik)" : metric.toUpperCase(java.util.Locale.ROOT), 1.0);
    List<TransitionRow> rows = new ArrayList<>();
    for (Transition t : found) {
      rows.add(new TransitionRow(t.budget(), metric, threshold, baselineName, t.transitionBin(), t.transitionLabel(),
          t.evidence(), Json.write(t.bins())));
    }
    return rows;
  }
}
