package dev.harness.study.control;

import dev.harness.config.ExperimentConfig;
import dev.harness.metrics.control.ControlScorer;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** score: every stored ok distribution against its item's target with {@code control.scorer} and the blocklist. */
final class ControlScore {
  private final StudyContext ctx;

  ControlScore(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    ExperimentConfig c = ctx.config();
    ControlScorer scorer = ControlScorer.of(c.section(ControlStudyConfig.class).control().scorer(), c.section(ControlStudyConfig.class).control().blocklist());
    ControlTables tables = new ControlTables(ctx.store());
    Map<String, ControlItem> items = new HashMap<>();
    for (ControlItem it : ControlRun.evalItems(ctx)) items.put(it.itemId(), it);
    List<ControlTables.ResultRow> rows = new ArrayList<>();
    int failed = 0;
    int passes = 0;
    for (ControlTables.ResponseRow r : ControlRun.currentResponses(ctx)) {
      ControlItem it = items.get(r.itemId());
      if (it == null) continue;
      if (!r.ok()) {
        failed++;
        continue;
      }
      dev.harness.metrics.control.ControlScore s =
          scorer.score(StoredDistribution.fromJson(r.distributionJson()), it.target());
      if (s.pass()) passes++;
      rows.add(new ControlTables.ResultRow(r.engineVariant(), r.itemId(), c.section(ControlStudyConfig.class).control().scorer(), s.tvd(), s.pass(),
          s.word1(), s.p1(), s.word2(), s.p2(), s.otherMass(), s.blockedMass()));
    }
    tables.replaceResults(rows);
    return rows.size() + " distributions scored with " + c.section(ControlStudyConfig.class).control().scorer() + " (" + passes + " pass), " + failed
        + " failed units excluded";
  }

  /** Ok responses of current evaluation items: what score must have scored. */
  static long scorable(StudyContext ctx) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    ControlRun.evalItems(ctx).forEach(i -> ids.add(i.itemId()));
    return ControlRun.currentResponses(ctx).stream().filter(r -> r.ok() && ids.contains(r.itemId())).count();
  }
}
