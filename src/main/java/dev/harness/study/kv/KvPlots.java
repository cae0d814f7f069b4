package dev.harness.study.kv;

import dev.harness.report.PlotSeries;
import dev.harness.report.Plots;
import dev.harness.study.kv.KvAnalysisTables.BinStatRow;
import dev.harness.study.kv.KvAnalysisTables.Ci;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The study's PNGs: accuracy, failure rate and latency by bin (one line per budget), KV memory by budget. */
final class KvPlots {
  private KvPlots() {}

  static void write(Path runDir, List<BinStatRow> rows, List<KvDataTables.BinRow> bins, List<Double> budgets,
      List<String> metrics) {
    Path dir = runDir.resolve("plots");
    List<String> cats = bins.stream().map(b -> b.label() + " tok").toList();
    String accMetric = metrics.contains("f1") ? "f1" : metrics.contains("em") ? "em" : "answer_loglik";
    Function<BinStatRow, Ci> acc = switch (accMetric) {
      case "f1" -> BinStatRow::f1;
      case "em" -> BinStatRow::em;
      default -> BinStatRow::answerLoglik;
    };
    String accLabel = switch (accMetric) {
      case "f1" -> "F1 (0–1, mean with bootstrap CI)";
      case "em" -> "Exact match (0–1, mean with bootstrap CI)";
      default -> "Answer log-likelihood per token (mean with bootstrap CI)";
    };
    Plots.lineWithErrorBars(dir.resolve("acc_by_bin.png"), accMetric.toUpperCase() + " by prompt length, per KV budget",
        "prompt length bin (tokens)", accLabel, cats, series(rows, bins, budgets, acc, BinStatRow::nScored));
    Plots.lineWithErrorBars(dir.resolve("fail_by_bin.png"), "Failure rate by prompt length, per KV budget",
        "prompt length bin (tokens)", "failure rate (Wilson 95% CI)", cats, series(rows, bins, budgets, BinStatRow::failRate, BinStatRow::nUnits));
    Plots.lineWithErrorBars(dir.resolve("latency_p50_by_bin.png"), "Median latency by prompt length, per KV budget",
        "prompt length bin (tokens)", "latency p50 (ms)", cats,
        series(rows, bins, budgets, r -> new Ci(r.latencyP50Ms(), null, null), r -> r.nUnits() - r.nInfraFailed()));
    if (rows.stream().anyMatch(r -> r.kvKeptBytesMean() != null)) {
      List<String> budgetCats = budgets.stream().sorted((a, b) -> Double.compare(b, a)).map(b -> "budget " + b).toList();
      List<PlotSeries> mem = new ArrayList<>();
      for (KvDataTables.BinRow bin : bins) {
        double[] y = new double[budgetCats.size()];
        List<Double> sorted = budgets.stream().sorted((a, b) -> Double.compare(b, a)).toList();
        for (int i = 0; i < sorted.size(); i++) {
          double b = sorted.get(i);
          y[i] = rows.stream().filter(r -> r.budget() == b && r.binIndex() == bin.binIndex() && r.kvKeptBytesMean() != null)
              .mapToDouble(r -> r.kvKeptBytesMean() / (1024.0 * 1024.0)).findFirst().orElse(Double.NaN);
        }
        mem.add(new PlotSeries(bin.label() + " tok", y, null, null));
      }
      Plots.bars(dir.resolve("kv_memory_by_budget.png"), "Kept KV-cache memory by budget, per length bin", "KV budget",
          "kept KV bytes (MiB, mean per request)", budgetCats, mem);
    }
  }

  private static List<PlotSeries> series(List<BinStatRow> rows, List<KvDataTables.BinRow> bins, List<Double> budgets,
      Function<BinStatRow, Ci> f, java.util.function.ToIntFunction<BinStatRow> count) {
    List<PlotSeries> out = new ArrayList<>();
    for (double b : budgets.stream().sorted((x, y) -> Double.compare(y, x)).toList()) {
      double[] y = new double[bins.size()];
      double[] lo = new double[bins.size()];
      double[] hi = new double[bins.size()];
      int[] n = new int[bins.size()];
      boolean anyCi = false;
      for (int i = 0; i < bins.size(); i++) {
        int idx = bins.get(i).binIndex();
        BinStatRow row = rows.stream().filter(r -> r.budget() == b && r.binIndex() == idx).findFirst().orElse(null);
        Ci ci = row == null ? Ci.none() : f.apply(row);
        n[i] = row == null ? 0 : count.applyAsInt(row);
        y[i] = ci.mean() == null ? Double.NaN : ci.mean();
        lo[i] = ci.lo() == null ? Double.NaN : ci.lo();
        hi[i] = ci.hi() == null ? Double.NaN : ci.hi();
        anyCi |= ci.lo() != null;
      }
      out.add(new PlotSeries("budget " + b, y, anyCi ? lo : null, anyCi ? hi : null).withN(n));
    }
    return out;
  }
}
