package dev.harness.study.mc;

import dev.harness.config.StudyKind;
import dev.harness.study.Phase;
import dev.harness.study.Step;
import dev.harness.study.Study;
import dev.harness.study.UnitIdentity;
import java.util.List;
import java.util.TreeSet;

/** mc_eval: lm-eval-style multiple choice for a base model and its adapters, with paired statistics. */
public final class McEvalStudy {
  public static final String NAME = StudyKind.MC_EVAL.id();

  public static final Study STUDY = new Study(StudyKind.MC_EVAL, List.of(
      new Step(Phase.PREPARE, (in, c, ctx) -> {
        in.put("tasks", c.section(McStudyConfig.class).tasks());
        in.put("limit", c.section(McStudyConfig.class).limit());
        in.put("sources", c.section(McStudyConfig.class).mc().sources());
        in.put("subset", c.section(McStudyConfig.class).mc().subset());
        in.put("subset_seed", c.section(McStudyConfig.class).mc().subsetSeed());
      }, ctx -> ctx.config().section(McStudyConfig.class).tasks().stream().allMatch(t -> new McTables(ctx.store()).itemCount(t) > 0),
          ctx -> new McPrepare(ctx).execute()),
      new Step(Phase.RUN, (in, c, ctx) -> {
        in.put("variants", c.variants());
        in.put("seeds", McVariants.seeds(c));
        TreeSet<String> keys = new TreeSet<>(); // model / adapter content, item texts
        McTables t = new McTables(ctx.store());
        for (var v : c.variants()) for (String task : c.section(McStudyConfig.class).tasks()) keys.addAll(McVariants.currentKeys(c, t, v, task));
        in.put("unit_identity", UnitIdentity.hash(keys));
      }, ctx -> McRun.unanswered(ctx) == 0, ctx -> new McRun(ctx).execute()),
      new Step(Phase.SCORE, (in, c, ctx) -> in.put("score", 1),
          ctx -> true, ctx -> new McScore(ctx).execute()),
      new Step(Phase.ANALYZE, (in, c, ctx) -> {
        in.put("analysis", c.analysis());
        in.put("baseline", McVariants.baseline(c).label());
      }, ctx -> ctx.hasRunFiles(McAnalyze.PLOTS) && ctx.hasRunFiles("summary.csv"),
          ctx -> new McAnalyze(ctx).execute()),
      new Step(Phase.REPORT, (in, c, ctx) -> in.put("report", 1),
          ctx -> ctx.hasRunFiles("report.md"), ctx -> new McReport(ctx).execute())),
      ctx -> McVariants.status(ctx.config(), new McTables(ctx.store())));

  private McEvalStudy() {}
}
