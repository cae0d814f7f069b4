package dev.harness.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulated kv_transition studies whose truth is known (issue #13 §1): budget 1.0 plus {@code budgets} compressed
 * budgets, {@code bins} bins of {@code items} items. Each item has its own success probability (uniform on [0, 1]); each
 * (item, budget) score is an independent Bernoulli draw with that probability, so compression changes nothing — except
 * in the {@code dropBins} last bins of compressed budget index {@code dropBudget} (−1: none), where every item's
 * probability is {@code dropTo} (and {@code dropFrom} at every other budget, replacing the item's own probability).
 */
final class TransitionSimulation {
  final int budgets;
  final int bins;
  final int items;

  TransitionSimulation(int budgets, int bins, int items) {
    this.budgets = budgets;
    this.bins = bins;
    this.items = items;
  }

  /** One study: element 0 is the budget-1.0 series, then the compressed budgets 0.8, 0.6, ... */
  List<BinSeries> nullStudy(SplittableRandom rnd) {
    double[][] p = new double[bins][items];
    for (double[] row : p) {
      for (int i = 0; i < items; i++) {
        row[i] = rnd.nextDouble();
      }
    }
    return draw(rnd, p, -1, 0, 0);
  }

  /** Every item at {@code from}, except the last {@code dropBins} bins of compressed budget {@code dropBudget}. */
  List<BinSeries> dropStudy(SplittableRandom rnd, double from, double to, int dropBudget, int dropBins) {
    double[][] p = new double[bins][items];
    for (double[] row : p) {
      java.util.Arrays.fill(row, from);
    }
    return draw(rnd, p, dropBudget, dropBins, to);
  }

  private List<BinSeries> draw(SplittableRandom rnd, double[][] p, int dropBudget, int dropBins, double to) {
    List<BinSeries> out = new ArrayList<>();
    for (int k = 0; k <= budgets; k++) {
      double budget = k == 0 ? 1.0 : 1.0 - k * (0.9 / budgets);
      List<BinScores> bs = new ArrayList<>();
      for (int b = 0; b < bins; b++) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < items; i++) {
          double q = (k - 1 == dropBudget && b >= bins - dropBins) ? to : p[b][i];
          m.put("b" + b + "-i" + i, rnd.nextDouble() < q ? 1.0 : 0.0);
        }
        bs.add(new BinScores(b, "bin" + b, m));
      }
      out.add(new BinSeries(String.valueOf(budget), budget, bs));
    }
    return out;
  }
}
