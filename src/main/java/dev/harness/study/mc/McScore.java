package dev.harness.study.mc;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.data.mc.McTask;
import dev.harness.metrics.mc.McMetrics;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** score: lm-eval's per-document metrics for every variant × task × seed, from the stored choice log-likelihoods. */
final class McScore {
  private final StudyContext ctx;

  McScore(StudyContext ctx) { this.ctx = ctx; }

  /** The metrics of one document (names as lm-eval reports them; truthfulqa_mc2's {@code acc} is mc2). */
  static Map<String, Double> metrics(McTask task, double[] loglik, List<String> choices, int gold, List<Integer> labels) {
    Map<String, Double> m = new LinkedHashMap<>();
    switch (task) {
      case ARC_EASY, ARC_CHALLENGE -> {
        m.put("acc", McMetrics.acc(loglik, gold));
        m.put("acc_norm", McMetrics.accNorm(loglik, choices, gold));
      }
      case TRUTHFULQA_MC1 -> m.put("acc", McMetrics.acc(loglik, 0));
      case TRUTHFULQA_MC2 -> m.put("acc", McMetrics.mc2(loglik, labels));
    }
    return m;
  }

  /** Whether a task's metric is per-item 0/1 (McNemar applies) rather than continuous (mc2). */
  static boolean binary(String task, String metric) {
    return !task.equals(McTask.TRUTHFULQA_MC2.id());
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    List<McTables.ItemMetricRow> rows = new ArrayList<>();
    Map<String, List<McTables.ItemRow>> items = new HashMap<>();
    for (String taskId : c.section(McStudyConfig.class).tasks()) items.put(taskId, tables.items(taskId));
    for (EngineConfig v : c.variants()) {
      for (String taskId : c.section(McStudyConfig.class).tasks()) {
        McTask task = McTask.byId(taskId).orElseThrow();
        Map<String, Double> ll = new HashMap<>();
        for (McTables.ResultRow r : McVariants.currentResults(c, tables, v, taskId)) {
          ll.put(r.seed() + "|" + r.docId() + "|" + r.choiceIndex(), r.loglik());
        }
        for (int seed : McVariants.seeds(c)) {
          for (McTables.ItemRow it : items.get(taskId)) {
            double[] x = new double[it.choices().size()];
            List<String> texts = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (McTables.ChoiceRow ch : it.choices()) {
              Double value = ll.get(seed + "|" + it.docId() + "|" + ch.index());
              if (value == null) {
                throw new PhaseException(Phase.SCORE, ctx.configPath(), "variant " + v.label() + ", task " + taskId
                    + ", doc " + it.docId() + ", choice " + ch.index() + ", seed " + seed + " has no log-likelihood; "
                    + "run 'harness run -c " + ctx.configPath() + "' first", null);
              }
              x[ch.index()] = value;
              texts.add(ch.text());
              labels.add(ch.label());
            }
            metrics(task, x, texts, it.gold(), labels).forEach((m, val) ->
                rows.add(new McTables.ItemMetricRow(v.label(), taskId, it.docId(), seed, m, val)));
          }
        }
      }
    }
    tables.replaceItemMetrics(rows);
    return rows.size() + " per-item metric values (" + c.variants().size() + " variants × " + c.section(McStudyConfig.class).tasks().size()
        + " tasks × " + McVariants.seeds(c).size() + " seeds)";
  }
}
