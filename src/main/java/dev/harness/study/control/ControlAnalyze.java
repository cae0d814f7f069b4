package dev.harness.study.control;

import dev.harness.config.AnalysisConfig;
import dev.harness.config.EngineConfig;
import dev.harness.report.PlotSeries;
import dev.harness.report.Plots;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Interval;
import dev.harness.stats.Wilson;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * analyze: pass rate (Wilson) and mean TVD and mean P1 (percentile bootstrap) per engine variant × grouping —
 * {@code model} (all items), {@code case} (case × prompt variant), {@code p} and {@code r} (per case, prompt variants
 * pooled) — into {@code control_summary}; plots {@code plots/calibration.png} (achieved P(w1) on given words against
 * the target p, one series per engine variant) and {@code plots/tvd_by_case.png}; every other variant against the
 * first ({@link ControlComparison}) into {@code control_comparisons}.
 */
final class ControlAnalyze {
  static final List<String> PLOTS = List.of("plots/calibration.png", "plots/tvd_by_case.png");
  static final String ALL = "all";
  private final StudyContext ctx;

  ControlAnalyze(StudyContext ctx) { this.ctx = ctx; }

  /** A scored item with its grid coordinates. */
  record Scored(String engine, ControlItem item, ControlTables.ResultRow result) {}

  static List<Scored> scored(StudyContext ctx) {
    Map<String, ControlItem> items = new HashMap<>();
    for (ControlItem it : ControlRun.evalItems(ctx)) items.put(it.itemId(), it);
    List<Scored> out = new ArrayList<>();
    for (ControlTables.ResultRow r : new ControlTables(ctx.store()).results()) {
      ControlItem it = items.get(r.itemId());
      if (it != null) out.add(new Scored(r.engineVariant(), it, r));
    }
    return out;
  }

  String execute() {
    List<Scored> all = scored(ctx);
    AnalysisConfig a = ctx.config().analysis();
    List<ControlTables.SummaryRow> rows = new ArrayList<>();
    for (EngineConfig e : ctx.config().variants()) {
      List<Scored> mine = all.stream().filter(s -> s.engine().equals(e.label())).toList();
      rows.addAll(group(e.label(), "model", mine, s -> List.of(ALL, ALL), a));
      rows.addAll(group(e.label(), "case", mine, s -> List.of(s.item().caseName(), s.item().variant()), a));
      rows.addAll(group(e.label(), "p", mine, s -> List.of(s.item().caseName(), ALL, s.item().p()), a));
      rows.addAll(group(e.label(), "r", mine, s -> List.of(s.item().caseName(), ALL, s.item().r()), a));
    }
    List<ControlTables.ComparisonRow> comparisons = ControlComparison.compare(
        ctx.config().variants().stream().map(EngineConfig::label).toList(), all, a);
    ControlTables tables = new ControlTables(ctx.store());
    tables.replaceSummary(rows);
    tables.replaceComparisons(comparisons);
    plots(rows);
    return rows.size() + " summary rows, " + comparisons.size() + " comparisons with the first variant, over "
        + all.size() + " scored items; plots " + PLOTS;
  }

  private static List<ControlTables.SummaryRow> group(String engine, String grouping, List<Scored> items,
      Function<Scored, List<Object>> key, AnalysisConfig a) {
    Map<List<Object>, List<Scored>> groups = new LinkedHashMap<>();
    for (Scored s : items) groups.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s);
    List<ControlTables.SummaryRow> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Scored>> g : groups.entrySet()) {
      List<Object> k = g.getKey();
      List<Scored> xs = g.getValue();
      int passes = (int) xs.stream().filter(s -> s.result().pass()).count();
      Interval rate = Wilson.interval(passes, xs.size(), a.ci());
      Interval tvd = Bootstrap.meanCi(xs.stream().mapToDouble(s -> s.result().tvd()).toArray(), a.bootstrapIters(),
          a.ci(), a.seed());
      Interval p1 = Bootstrap.meanCi(xs.stream().mapToDouble(s -> s.result().p1()).toArray(), a.bootstrapIters(),
          a.ci(), a.seed());
      Integer p = "p".equals(grouping) ? (Integer) k.get(2) : null;
      Integer r = "r".equals(grouping) ? (Integer) k.get(2) : null;
      out.add(new ControlTables.SummaryRow(engine, grouping, (String) k.get(0), (String) k.get(1), p, r, xs.size(),
          passes, rate.estimate(), rate.lo(), rate.hi(), tvd.estimate(), tvd.lo(), tvd.hi(), p1.estimate(), p1.lo(),
          p1.hi()));
    }
    return out;
  }

  private void plots(List<ControlTables.SummaryRow> rows) {
    List<String> engines = ctx.config().variants().stream().map(EngineConfig::label).toList();
    List<Integer> ps = ctx.config().section(ControlStudyConfig.class).grid().ps().stream().sorted().toList();
    List<String> pLabels = ps.stream().map(p -> "p=" + p).toList();
    List<PlotSeries> cal = new ArrayList<>();
    double[] target = ps.stream().mapToDouble(p -> p / 100.0).toArray();
    cal.add(PlotSeries.reference("target p/100", target)); // on the x positions of the targets, not dodged
    for (String e : engines) {
      double[] y = new double[ps.size()];
      double[] lo = new double[ps.size()];
      double[] hi = new double[ps.size()];
      int[] nAt = new int[ps.size()];
      for (int i = 0; i < ps.size(); i++) {
        ControlTables.SummaryRow row = find(rows, e, "p", ControlItem.GIVEN, ALL, ps.get(i), null);
        nAt[i] = row == null ? 0 : row.n();
        y[i] = row == null ? Double.NaN : row.meanP1();
        lo[i] = row == null ? Double.NaN : row.p1Lo();
        hi[i] = row == null ? Double.NaN : row.p1Hi();
      }
      int n = rows.stream().filter(r -> r.engineVariant().equals(e) && "p".equals(r.grouping())
          && ControlItem.GIVEN.equals(r.caseName())).mapToInt(ControlTables.SummaryRow::n).sum();
      cal.add(new PlotSeries(e + " (n=" + n + ")", y, lo, hi).withN(nAt));
    }
    Plots.lineWithErrorBars(ctx.runDir().resolve(PLOTS.get(0)), "Calibration on given words: achieved P(w1) vs target",
        "target p (%)", "achieved P(w1), mean with " + pct(ctx.config().analysis().ci()) + " bootstrap CI", pLabels, cal);

    List<String> cats = new ArrayList<>();
    for (ControlTables.SummaryRow r : rows) {
      String c = r.caseName() + "/" + r.variant();
      if ("case".equals(r.grouping()) && !cats.contains(c)) cats.add(c);
    }
    List<PlotSeries> bars = new ArrayList<>();
    for (String e : engines) {
      double[] y = new double[cats.size()];
      double[] lo = new double[cats.size()];
      double[] hi = new double[cats.size()];
      int n = 0;
      for (int i = 0; i < cats.size(); i++) {
        String[] cv = cats.get(i).split("/");
        ControlTables.SummaryRow row = find(rows, e, "case", cv[0], cv[1], null, null);
        y[i] = row == null ? Double.NaN : row.meanTvd();
        lo[i] = row == null ? Double.NaN : row.tvdLo();
        hi[i] = row == null ? Double.NaN : row.tvdHi();
        n += row == null ? 0 : row.n();
      }
      bars.add(new PlotSeries(e + " (n=" + n + ")", y, lo, hi));
    }
    Plots.bars(ctx.runDir().resolve(PLOTS.get(1)), "Mean TVD by case and prompt variant (lower is better)",
        "case / prompt variant", "mean TVD with " + pct(ctx.config().analysis().ci()) + " bootstrap CI", cats, bars);
  }

  static ControlTables.SummaryRow find(List<ControlTables.SummaryRow> rows, String engine, String grouping,
      String caseName, String variant, Integer p, Integer r) {
    for (ControlTables.SummaryRow row : rows) {
      if (row.engineVariant().equals(engine) && row.grouping().equals(grouping) && row.caseName().equals(caseName)
          && row.variant().equals(variant) && java.util.Objects.equals(row.p(), p) && java.util.Objects.equals(row.r(), r)) {
        return row;
      }
    }
    return null;
  }

  static String pct(double level) { return Math.round(level * 100) + "%"; }
}
