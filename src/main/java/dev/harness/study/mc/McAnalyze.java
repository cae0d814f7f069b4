package dev.harness.study.mc;

import dev.harness.config.AnalysisConfig;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.report.Csv;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Descriptive;
import dev.harness.stats.Interval;
import dev.harness.stats.McNemar;
import dev.harness.stats.McNemarResult;
import dev.harness.stats.PairedBootstrap;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * analyze: per variant × task × metric (per seed and seed-averaged) the mean with its percentile-bootstrap CI and
 * lm-eval's stderr; per non-baseline variant the paired deltas against the baseline (paired bootstrap CI on
 * seed-averaged items; McNemar b, c, exact p and corrected chi-square for 0/1 metrics). Writes summary.csv,
 * comparisons.csv and the plots.
 */
final class McAnalyze {
  static final String ALL_SEEDS = "mean";
  static final List<String> PLOTS = List.of("plots/metrics_by_variant.png", "plots/tradeoff_scatter.png");
  private final StudyContext ctx;

  McAnalyze(StudyContext ctx) { this.ctx = ctx; }

  /** Per-item values of one variant × task × metric: doc id → value per seed (in seed order). */
  static Map<String, Map<Integer, double[]>> byKey(List<McTables.ItemMetricRow> rows, List<Integer> seeds) {
    Map<String, Map<Integer, double[]>> out = new LinkedHashMap<>();
    for (McTables.ItemMetricRow r : rows) {
      String k = r.variant() + "|" + r.task() + "|" + r.metric();
      double[] v = out.computeIfAbsent(k, x -> new TreeMap<>()).computeIfAbsent(r.docId(), d -> {
        double[] a = new double[seeds.size()];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
      });
      int si = seeds.indexOf(r.seed());
      if (si >= 0) v[si] = r.value();
    }
    return out;
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    AnalysisConfig a = c.analysis();
    McTables tables = new McTables(ctx.store());
    List<Integer> seeds = McVariants.seeds(c);
    Map<String, Map<Integer, double[]>> items = byKey(tables.itemMetrics(), seeds);
    List<McTables.SummaryRow> summary = new ArrayList<>();
    for (EngineConfig v : c.variants()) {
      for (String task : c.section(McStudyConfig.class).tasks()) {
        for (String metric : metricsOf(task)) {
          Map<Integer, double[]> per = items.getOrDefault(v.label() + "|" + task + "|" + metric, Map.of());
          for (int si = 0; si < seeds.size(); si++) {
            int s = si;
            double[] x = per.values().stream().mapToDouble(d -> d[s]).toArray();
            summary.add(row(v.label(), task, String.valueOf(seeds.get(si)), metric, x, a));
          }
          double[] avg = PairedBootstrap.averageSeeds(per.values().toArray(double[][]::new));
          summary.add(row(v.label(), task, ALL_SEEDS, metric, avg, a));
        }
      }
    }
    EngineConfig base = McVariants.baseline(c);
    List<McTables.ComparisonRow> comps = new ArrayList<>();
    for (EngineConfig v : c.variants()) {
      if (v == base) continue;
      for (String task : c.section(McStudyConfig.class).tasks()) {
        for (String metric : metricsOf(task)) {
          comps.add(compare(v.label(), base.label(), task, metric,
              items.getOrDefault(v.label() + "|" + task + "|" + metric, Map.of()),
              items.getOrDefault(base.label() + "|" + task + "|" + metric, Map.of()), a));
        }
      }
    }
    tables.replaceAnalysis(summary, comps);
    writeCsv(summary, comps, a.ci());
    McPlots.write(ctx.runDir(), c, summary, comps);
    return summary.size() + " summary rows, " + comps.size() + " comparisons against " + base.label();
  }

  static List<String> metricsOf(String task) {
    return dev.harness.data.mc.McTask.byId(task).orElseThrow().metrics();
  }

  static McTables.SummaryRow row(String variant, String task, String seed, String metric, double[] x, AnalysisConfig a) {
    Interval ci = Bootstrap.meanCi(x, a.bootstrapIters(), a.ci(), a.seed());
    return new McTables.SummaryRow(variant, task, seed, metric, x.length, nan(ci.estimate()), nan(ci.lo()), nan(ci.hi()),
        nan(Descriptive.stderr(x)));
  }

  /** Paired over the documents both variants have (seed-averaged first). */
  static McTables.ComparisonRow compare(String variant, String baseline, String task, String metric,
      Map<Integer, double[]> v, Map<Integer, double[]> b, AnalysisConfig a) {
    List<Integer> docs = v.keySet().stream().filter(b::containsKey).sorted().toList();
    double[][] va = docs.stream().map(v::get).toArray(double[][]::new);
    double[][] ba = docs.stream().map(b::get).toArray(double[][]::new);
    double[] x = PairedBootstrap.averageSeeds(va);
    double[] y = PairedBootstrap.averageSeeds(ba);
    Interval d = PairedBootstrap.meanDiffCi(x, y, a.bootstrapIters(), a.ci(), a.seed());
    Integer bb = null;
    Integer cc = null;
    Double p = null;
    Double chi2 = null;
    Double chi2p = null;
    if (McScore.binary(task, metric) && allBinary(x) && allBinary(y)) {
      boolean[] xa = new boolean[x.length];
      boolean[] ya = new boolean[y.length];
      for (int i = 0; i < x.length; i++) {
        xa[i] = x[i] == 1.0;
        ya[i] = y[i] == 1.0;
      }
      McNemarResult m = McNemar.test(xa, ya);
      bb = m.b();
      cc = m.c();
      p = m.exactP();
      chi2 = m.chi2();
      chi2p = m.chi2P();
    }
    return new McTables.ComparisonRow(variant, baseline, task, metric, docs.size(), nan(Descriptive.mean(x)), nan(Descriptive.mean(y)),
        nan(d.estimate()), nan(d.lo()), nan(d.hi()), bb, cc, p, chi2, chi2p);
  }

  private static boolean allBinary(double[] x) {
    for (double v : x) if (v != 0.0 && v != 1.0) return false;
    return true;
  }

  private static Double nan(double v) { return Double.isFinite(v) ? v : null; }

  private void writeCsv(List<McTables.SummaryRow> summary, List<McTables.ComparisonRow> comps, double level) {
    List<List<Object>> rows = new ArrayList<>();
    for (McTables.SummaryRow r : summary) {
      rows.add(List.of(r.variant(), r.task(), r.metric(), r.seed(), r.n(), o(r.mean()), o(r.lo()), o(r.hi()),
          o(r.stderr()), level));
    }
    Csv.write(ctx.runDir().resolve("summary.csv"), List.of("variant", "task", "metric", "seed", "n", "mean", "ci_lo",
        "ci_hi", "stderr", "ci_level"), rows);
    List<List<Object>> cr = new ArrayList<>();
    for (McTables.ComparisonRow r : comps) {
      cr.add(List.of(r.variant(), r.baseline(), r.task(), r.metric(), r.n(), o(r.meanVariant()), o(r.meanBaseline()),
          o(r.delta()), o(r.lo()), o(r.hi()), o(r.b()), o(r.c()), o(r.exactP()), o(r.chi2()), o(r.chi2P()), level));
    }
    Csv.write(ctx.runDir().resolve("comparisons.csv"), List.of("variant", "baseline", "task", "metric", "n",
        "mean_variant", "mean_baseline", "delta", "delta_ci_lo", "delta_ci_hi", "mcnemar_b", "mcnemar_c",
        "mcnemar_exact_p", "mcnemar_chi2_cc", "mcnemar_chi2_p", "ci_level"), cr);
  }

  private static Object o(Object v) { return v == null ? "" : v; }
}
