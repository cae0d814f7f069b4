package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.report.Markdown;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Interval;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The report's "accuracy against memory saved" table: per budget, pooled scores with CIs next to the KV bytes kept. */
final class KvMemoryTradeoff {
  private KvMemoryTradeoff() {}

  static void write(Markdown md, StudyContext ctx, ExperimentConfig c) {
    Map<String, RequestTables.UnitResult> units = new HashMap<>();
    TreeMap<Double, List<RequestTables.UnitResult>> byBudget = new TreeMap<>();
    Set<String> current = KvRun.currentKeys(ctx);
    for (RequestTables.UnitResult u : new RequestTables(ctx.store()).units()) {
      if (!current.contains(u.unitKey())) continue; // a row of another configuration
      if (u.budget() == null || !c.section(KvStudyConfig.class).kv().budgets().contains(u.budget())) continue;
      units.put(u.unitKey(), u);
      byBudget.computeIfAbsent(u.budget(), b -> new ArrayList<>()).add(u);
    }
    Map<String, Map<Double, List<Double>>> scores = new TreeMap<>();
    for (ScoreFailureTables.ScoreRow s : new ScoreFailureTables(ctx.store()).scores()) {
      RequestTables.UnitResult u = units.get(s.unitKey());
      if (u == null) continue;
      scores.computeIfAbsent(s.metric(), m -> new TreeMap<>()).computeIfAbsent(u.budget(), b -> new ArrayList<>()).add(s.value());
    }
    md.heading(2, "Accuracy against memory saved");
    md.paragraph("All bins pooled. KV bytes are the cache the engine kept after compressing the prompt (mean per "
        + "request); saved = 1 - kept / full. Scores: mean with a percentile-bootstrap CI and n.");
    List<String> header = new ArrayList<>(List.of("budget", "n units", "KV kept / full (mean)", "saved"));
    c.section(KvStudyConfig.class).scoring().metrics().forEach(m -> header.add(m + " [CI]"));
    List<List<String>> rows = new ArrayList<>();
    for (var e : byBudget.descendingMap().entrySet()) {
      List<RequestTables.UnitResult> us = e.getValue();
      double kept = us.stream().filter(u -> u.telemetry() != null && u.telemetry().kvKeptBytes() != null)
          .mapToDouble(u -> u.telemetry().kvKeptBytes()).average().orElse(Double.NaN);
      double full = us.stream().filter(u -> u.telemetry() != null && u.telemetry().kvFullBytes() != null)
          .mapToDouble(u -> u.telemetry().kvFullBytes()).average().orElse(Double.NaN);
      List<String> row = new ArrayList<>();
      row.add(String.valueOf(e.getKey()));
      row.add(String.valueOf(us.size()));
      boolean known = Double.isFinite(kept) && Double.isFinite(full) && full > 0;
      row.add(known ? String.format(Locale.ROOT, "%.3f / %.3f MiB", kept / 1048576.0, full / 1048576.0) : "not reported");
      row.add(known ? String.format(Locale.ROOT, "%.1f%%", 100.0 * (1 - kept / full)) : "–");
      for (String m : c.section(KvStudyConfig.class).scoring().metrics()) {
        List<Double> v = scores.getOrDefault(m, Map.of()).getOrDefault(e.getKey(), List.of());
        Interval ci = Bootstrap.meanCi(v.stream().mapToDouble(Double::doubleValue).toArray(),
            c.analysis().bootstrapIters(), c.analysis().ci(), c.analysis().seed());
        row.add(ci.format(3));
      }
      rows.add(row);
    }
    md.table(header, rows);
  }
}
