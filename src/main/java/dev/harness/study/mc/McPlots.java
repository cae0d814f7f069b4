package dev.harness.study.mc;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.report.PlotSeries;
import dev.harness.report.Plots;
import dev.harness.report.Point;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The study's PNGs: every metric per variant (seed-averaged mean with bootstrap CI), and the trade-off of each
 * compared variant: Δ truthfulness (truthfulqa_mc2, else mc1) against Δ ARC acc (arc_easy, else arc_challenge), with
 * paired-bootstrap CIs on both axes.
 */
final class McPlots {
  private McPlots() {}

  static void write(Path runDir, ExperimentConfig c, List<McTables.SummaryRow> summary,
      List<McTables.ComparisonRow> comps) {
    Path dir = runDir.resolve("plots");
    List<String> cats = new ArrayList<>();
    List<String[]> keys = new ArrayList<>();
    for (String task : c.section(McStudyConfig.class).tasks()) {
      for (String m : McAnalyze.metricsOf(task)) {
        cats.add(task.equals("truthfulqa_mc2") ? "truthfulqa_mc2 (mc2)" : task + " " + m);
        keys.add(new String[] {task, m});
      }
    }
    List<PlotSeries> series = new ArrayList<>();
    for (EngineConfig v : c.variants()) {
      double[] y = new double[cats.size()];
      double[] lo = new double[cats.size()];
      double[] hi = new double[cats.size()];
      for (int i = 0; i < keys.size(); i++) {
        String[] k = keys.get(i);
        Optional<McTables.SummaryRow> r = summary.stream().filter(s -> s.variant().equals(v.label())
            && s.task().equals(k[0]) && s.metric().equals(k[1]) && s.seed().equals(McAnalyze.ALL_SEEDS)).findFirst();
        y[i] = r.map(s -> d(s.mean())).orElse(Double.NaN);
        lo[i] = r.map(s -> d(s.lo())).orElse(Double.NaN);
        hi[i] = r.map(s -> d(s.hi())).orElse(Double.NaN);
      }
      series.add(new PlotSeries(v.label(), y, lo, hi));
    }
    int n = summary.stream().filter(s -> s.seed().equals(McAnalyze.ALL_SEEDS)).mapToInt(McTables.SummaryRow::n).max().orElse(0);
    Plots.bars(dir.resolve("metrics_by_variant.png"), "MC metrics by variant (seed-averaged, n<=" + n + " docs/task)", "task and metric", "mean with " + pct(c) + " bootstrap CI", cats, series);

    String truth = c.section(McStudyConfig.class).tasks().contains("truthfulqa_mc2") ? "truthfulqa_mc2" : c.section(McStudyConfig.class).tasks().contains("truthfulqa_mc1") ? "truthfulqa_mc1" : null;
    String arc = c.section(McStudyConfig.class).tasks().contains("arc_easy") ? "arc_easy" : c.section(McStudyConfig.class).tasks().contains("arc_challenge") ? "arc_challenge" : null;
    List<Point> points = new ArrayList<>();
    for (EngineConfig v : c.variants()) {
      Optional<McTables.ComparisonRow> x = find(comps, v.label(), arc);
      Optional<McTables.ComparisonRow> y = find(comps, v.label(), truth);
      if (x.isEmpty() || y.isEmpty()) continue;
      points.add(new Point(v.label() + " (n=" + x.get().n() + "/" + y.get().n() + ")", d(x.get().delta()), d(y.get().delta()),
          d(x.get().lo()), d(x.get().hi()), d(y.get().lo()), d(y.get().hi())));
    }
    String base = McVariants.baseline(c).label();
    Plots.scatterWithErrorBars(dir.resolve("tradeoff_scatter.png"), "Adapter trade-off against " + base
        + " (paired bootstrap " + pct(c) + " CI)", "Δ " + (arc == null ? "ARC (task not run)" : arc) + " acc",
        "Δ " + (truth == null ? "truthfulness (task not run)" : truth + (truth.endsWith("mc2") ? " (mc2)" : " acc")), points);
  }

  private static Optional<McTables.ComparisonRow> find(List<McTables.ComparisonRow> comps, String variant, String task) {
    if (task == null) return Optional.empty();
    return comps.stream().filter(r -> r.variant().equals(variant) && r.task().equals(task) && r.metric().equals("acc")).findFirst();
  }

  private static String pct(ExperimentConfig c) {
    return Math.round(c.analysis().ci() * 100) + "%";
  }

  private static double d(Double v) { return v == null ? Double.NaN : v; }
}
