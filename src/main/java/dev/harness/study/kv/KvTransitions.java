package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.stats.BinScores;
import dev.harness.stats.BinSeries;
import dev.harness.stats.Transition;
import dev.harness.stats.TransitionDetector;
import dev.harness.stats.TransitionFamilies;
import dev.harness.stats.TransitionInput;
import dev.harness.study.Json;
import dev.harness.study.StudyContext;
import dev.harness.study.kv.KvAnalysisTables.TransitionRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /**
   * Transitions for every scored metric, the headline metric ({@code analysis.transition.metric}) first. The Holm
   * families follow {@code analysis.transition.family} ({@link TransitionFamilies}): by default the headline metric's
   * (budget, bin) tests are the confirmatory family at {@code analysis.transition.alpha} and each other metric is its own
   * exploratory family; {@code all_metrics} puts every (budget, bin, metric) test in one family.
   */
  static List<TransitionRow> detect(StudyContext ctx, TreeMap<Double, Map<Integer, KvAnalyze.Cell>> cells,
      List<KvDataTables.BinRow> bins) {
    ExperimentConfig c = ctx.config();
    List<String> metrics = new ArrayList<>();
    metrics.add(c.analysis().transition().metric());
    c.section(KvStudyConfig.class).scoring().metrics().stream().filter(m -> !metrics.contains(m)).forEach(metrics::add);
    List<TransitionInput> inputs = new ArrayList<>();
    for (String m : metrics) inputs.add(input(cells, bins, m));
    double threshold = c.analysis().transition().threshold();
    double alpha = c.analysis().transition().alpha();
    String family = c.analysis().transition().family();
    List<List<Transition>> found = TransitionFamilies.detect(inputs, family, threshold, alpha,
        c.analysis().bootstrapIters(), c.analysis().ci(), c.analysis().seed());
    List<TransitionRow> rows = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String metric = inputs.get(i).metric();
      String baselineName = (isLoglik(metric) ? "per-token probability exp(answer_loglik); " : "")
          + (inputs.get(i).baseline() != null ? "budget 1.0, same bin (paired by example)" : "first bin of the same budget (unpaired)");
      for (Transition t : found.get(i)) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", rule(family));
        details.put("family", family);
        details.put("role", TransitionFamilies.confirmatory(family, i) ? "confirmatory" : "exploratory");
        details.put("alpha", t.alpha());
        details.put("family_size", t.familySize());
        details.put("min_informative", TransitionDetector.MIN_INFORMATIVE);
        details.put("bins", t.bins());
        rows.add(new TransitionRow(t.budget(), metric, threshold, baselineName, t.transitionBin(), t.transitionLabel(),
            t.evidence(), Json.write(details)));
      }
    }
    return rows;
  }

  /** The declaration rule in one line (details_json and the report). */
  static String rule(String family) {
    return "first bin whose paired exact test against budget 1.0 (McNemar exact for 0/1 scores, sign-flip permutation "
        + "otherwise) rejects after Holm correction over " + familyWords(family) + " at family-wise alpha, and whose "
        + "mean is below threshold x baseline; bins with fewer than " + TransitionDetector.MIN_INFORMATIVE
        + " discordant / non-zero pairs are not tested";
  }

  /** "every (budget, bin) test of the headline metric (confirmatory; each other metric its own exploratory family)". */
  static String familyWords(String family) {
    return TransitionFamilies.ALL_METRICS.equals(family) ? "every (budget, bin, metric) test (one family)"
        : "every (budget, bin) test of the headline metric (the confirmatory family; each other metric is its own "
            + "exploratory family)";
  }

  private static TransitionInput input(TreeMap<Double, Map<Integer, KvAnalyze.Cell>> cells,
      List<KvDataTables.BinRow> bins, String metric) {
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
    return new TransitionInput(metric, isLoglik(metric) ? "exp(answer_loglik)" : metric.toUpperCase(java.util.Locale.ROOT),
        1.0, baseline, others);
  }
}
