package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.report.PlotSeries;
import dev.harness.report.Plots;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Interval;
import dev.harness.stats.Percentiles;
import dev.harness.stats.TransitionDetector;
import dev.harness.stats.Wilson;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.StudyContext;
import dev.harness.study.kv.KvAnalysisTables.Ci;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * analyze: per (budget, bin) n, EM/F1/answer_loglik means with percentile-bootstrap CIs, failure rate with a Wilson
 * interval, latency p50/p95, KV bytes; the transition per budget (DESIGN §7); the three plots (plus KV memory).
 */
final class KvAnalyze {
  static final List<String> PLOTS = List.of("plots/acc_by_bin.png", "plots/fail_by_bin.png", "plots/latency_p50_by_bin.png");
  private final StudyContext ctx;

  KvAnalyze(StudyContext ctx) { this.ctx = ctx; }

  /** The units of one (budget, bin) cell. */
  static final class Cell {
    final List<RequestTables.UnitResult> units = new ArrayList<>();
    final Map<String, Map<String, Double>> scoresByMetric = new HashMap<>(); // metric -> example id -> value
    int failed;
    int infra;
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    int iters = c.analysis().bootstrapIters();
    double level = c.analysis().ci();
    long seed = c.analysis().seed();
    List<KvDataTables.BinRow> bins = new KvDataTables(ctx.store()).bins(c.section(KvStudyConfig.class).dataset().datasetId());
    Map<String, Integer> binOf = new HashMap<>();
    for (KvDataTables.PreparedItem it : new KvDataTables(ctx.store()).items(c.section(KvStudyConfig.class).dataset().datasetId())) {
      binOf.put(it.exampleId(), it.binIndex());
    }
    Map<String, Map<String, Double>> scores = new HashMap<>();
    for (ScoreFailureTables.ScoreRow s : new ScoreFailureTables(ctx.store()).scores()) {
      scores.computeIfAbsent(s.unitKey(), k -> new HashMap<>()).put(s.metric(), s.value());
    }
    Map<String, Set<String>> failureTypes = new HashMap<>();
    Set<String> infraUnits = new HashSet<>();
    for (ScoreFailureTables.FailureRow f : new ScoreFailureTables(ctx.store()).failures()) {
      failureTypes.computeIfAbsent(f.unitKey(), k -> new HashSet<>()).add(f.failureType());
      if (f.infrastructure()) infraUnits.add(f.unitKey());
    }

    TreeMap<Double, Map<Integer, Cell>> cells = new TreeMap<>();
    Set<String> current = KvRun.currentKeys(ctx);
    for (RequestTables.UnitResult u : new RequestTables(ctx.store()).units()) {
      if (!current.contains(u.unitKey())) continue; // a row of another configuration
      Integer bin = binOf.get(u.itemId());
      if (bin == null || u.budget() == null || !c.section(KvStudyConfig.class).kv().budgets().contains(u.budget())) continue;
      Cell cell = cells.computeIfAbsent(u.budget(), b -> new TreeMap<>()).computeIfAbsent(bin, b -> new Cell());
      cell.units.add(u);
      if (failureTypes.containsKey(u.unitKey())) cell.failed++;
      if (infraUnits.contains(u.unitKey())) cell.infra++;
      Map<String, Double> s = scores.getOrDefault(u.unitKey(), Map.of());
      s.forEach((m, v) -> cell.scoresByMetric.computeIfAbsent(m, k -> new LinkedHashMap<>()).put(u.itemId(), v));
    }

    List<KvAnalysisTables.BinStatRow> rows = new ArrayList<>();
    for (var byBudget : cells.descendingMap().entrySet()) {
      for (KvDataTables.BinRow bin : bins) {
        Cell cell = byBudget.getValue().getOrDefault(bin.binIndex(), new Cell());
        long seedCell = seed + 31L * bin.binIndex() + Math.round(byBudget.getKey() * 1000);
        Ci em = ci(cell.scoresByMetric.get("em"), iters, level, seedCell);
        Ci f1 = ci(cell.scoresByMetric.get("f1"), iters, level, seedCell);
        Ci ll = ci(cell.scoresByMetric.get("answer_loglik"), iters, level, seedCell);
        int n = cell.units.size();
        Interval fr = Wilson.interval(cell.failed, n, level);
        double[] lat = cell.units.stream().filter(u -> u.response().ok() && u.telemetry() != null)
            .mapToDouble(u -> u.telemetry().latencyMs()).toArray();
        double[] full = cell.units.stream().filter(u -> u.telemetry() != null && u.telemetry().kvFullBytes() != null)
            .mapToDouble(u -> u.telemetry().kvFullBytes()).toArray();
        double[] kept = cell.units.stream().filter(u -> u.telemetry() != null && u.telemetry().kvKeptBytes() != null)
            .mapToDouble(u -> u.telemetry().kvKeptBytes()).toArray();
        int scored = cell.scoresByMetric.values().stream().mapToInt(Map::size).max().orElse(0);
        rows.add(new KvAnalysisTables.BinStatRow(byBudget.getKey(), bin.binIndex(), bin.label(), n, scored, em, f1, ll,
            cell.failed, n == 0 ? Ci.none() : new Ci(fr.estimate(), fr.lo(), fr.hi()), cell.infra,
            lat.length == 0 ? null : Percentiles.quantile(lat, 0.5), lat.length == 0 ? null : Percentiles.quantile(lat, 0.95),
            mean(full), mean(kept)));
      }
    }

    List<KvAnalysisTables.TransitionRow> transitions = KvTransitions.detect(ctx, cells, bins);
    new KvAnalysisTables(ctx.store()).replace(rows, transitions);
    KvPlots.write(ctx.runDir(), rows, bins, c.section(KvStudyConfig.class).kv().budgets(), c.section(KvStudyConfig.class).scoring().metrics());
    long found = transitions.stream().filter(t -> t.transitionBin() != null).count();
    return rows.size() + " (budget, bin) cells, " + found + "/" + transitions.size() + " (budget, metric) pairs with a transition, plots in "
        + ctx.runDir().resolve("plots");
  }

  private static Ci ci(Map<String, Double> byItem, int iters, double level, long seed) {
    if (byItem == null || byItem.isEmpty()) return Ci.none();
    double[] x = byItem.values().stream().mapToDouble(Double::doubleValue).toArray();
    Interval i = Bootstrap.meanCi(x, iters, level, seed);
    return new Ci(i.estimate(), i.lo(), i.hi());
  }

  private static Double mean(double[] x) {
    return x.length == 0 ? null : java.util.Arrays.stream(x).average().orElse(Double.NaN);
  }

  static Path plotsDir(Path runDir) { return runDir.resolve("plots"); }
}
