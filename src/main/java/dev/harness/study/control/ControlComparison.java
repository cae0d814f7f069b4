package dev.harness.study.control;

import dev.harness.config.AnalysisConfig;
import dev.harness.stats.Interval;
import dev.harness.stats.McNemar;
import dev.harness.stats.McNemarResult;
import dev.harness.stats.PairedBootstrap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every engine variant against the first one (the baseline, e.g. the base model against base + adapter), on the items
 * both have a score for — all items, and per case × prompt variant: pass counts, McNemar's exact test on the paired
 * pass/fail outcomes, and the paired-bootstrap interval of mean(TVD variant − TVD baseline) (negative: the variant is
 * closer to the targets).
 */
final class ControlComparison {
  private ControlComparison() {}

  static List<ControlTables.ComparisonRow> compare(List<String> engines, List<ControlAnalyze.Scored> scored,
      AnalysisConfig a) {
    List<ControlTables.ComparisonRow> out = new ArrayList<>();
    if (engines.size() < 2) return out;
    String base = engines.get(0);
    Map<String, ControlAnalyze.Scored> baseByItem = new HashMap<>();
    for (ControlAnalyze.Scored s : scored) if (s.engine().equals(base)) baseByItem.put(s.item().itemId(), s);
    for (String e : engines.subList(1, engines.size())) {
      Map<List<String>, List<ControlAnalyze.Scored[]>> groups = new LinkedHashMap<>();
      for (ControlAnalyze.Scored s : scored) {
        if (!s.engine().equals(e)) continue;
        ControlAnalyze.Scored b = baseByItem.get(s.item().itemId());
        if (b == null) continue;
        ControlAnalyze.Scored[] pair = {b, s};
        groups.computeIfAbsent(List.of(ControlAnalyze.ALL, ControlAnalyze.ALL), k -> new ArrayList<>()).add(pair);
        groups.computeIfAbsent(List.of(s.item().caseName(), s.item().variant()), k -> new ArrayList<>()).add(pair);
      }
      for (Map.Entry<List<String>, List<ControlAnalyze.Scored[]>> g : groups.entrySet()) {
        List<ControlAnalyze.Scored[]> pairs = g.getValue();
        int n = pairs.size();
        boolean[] pb = new boolean[n];
        boolean[] pv = new boolean[n];
        double[] tb = new double[n];
        double[] tv = new double[n];
        for (int i = 0; i < n; i++) {
          pb[i] = pairs.get(i)[0].result().pass();
          pv[i] = pairs.get(i)[1].result().pass();
          tb[i] = pairs.get(i)[0].result().tvd();
          tv[i] = pairs.get(i)[1].result().tvd();
        }
        McNemarResult m = McNemar.test(pb, pv);
        Interval d = PairedBootstrap.meanDiffCi(tv, tb, a.bootstrapIters(), a.ci(), a.seed());
        int basePasses = 0;
        int passes = 0;
        for (int i = 0; i < n; i++) {
          basePasses += pb[i] ? 1 : 0;
          passes += pv[i] ? 1 : 0;
        }
        out.add(new ControlTables.ComparisonRow(e, base, g.getKey().get(0), g.getKey().get(1), n, basePasses, passes,
            m.b(), m.c(), m.exactP(), d.estimate(), d.lo(), d.hi()));
      }
    }
    return out;
  }
}
