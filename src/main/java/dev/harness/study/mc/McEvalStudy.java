package dev.harness.study.mc;

import dev.harness.config.ExperimentConfig;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** mc_eval: lm-eval-style multiple choice for a base model and its adapters, with paired statistics. */
public final class McEvalStudy implements Study {
  public static final String NAME = dev.harness.config.StudyKind.MC_EVAL.id();

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    Map<String, Object> in = new LinkedHashMap<>();
    switch (phase) {
      case PREPARE -> {
        in.put("tasks", c.section(McStudyConfig.class).tasks());
        in.put("limit", c.section(McStudyConfig.class).limit());
        in.put("sources", c.section(McStudyConfig.class).mc().sources());
        in.put("subset", c.section(McStudyConfig.class).mc().subset());
        in.put("subset_seed", c.section(McStudyConfig.class).mc().subsetSeed());
      }
      case RUN -> {
        in.put("variants", c.variants());
        in.put("seeds", McVariants.seeds(c));
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(); // model / adapter content, item texts
        McTables t = new McTables(ctx.store());
        for (var v : c.variants()) for (String task : c.section(McStudyConfig.class).tasks()) keys.addAll(McVariants.currentKeys(c, t, v, task));
        in.put("unit_identity", UnitIdentity.hash(keys));
      }
      case SCORE -> in.put("score", 1);
      case ANALYZE -> {
        in.put("analysis", c.analysis());
        in.put("baseline", McVariants.baseline(c).label());
      }
      case REPORT -> in.put("report", 1);
    }
    return in;
  }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> ctx.config().section(McStudyConfig.class).tasks().stream().allMatch(t -> new McTables(ctx.store()).itemCount(t) > 0);
      case RUN -> McRun.unanswered(ctx) == 0;
      case SCORE -> true;
      case ANALYZE -> ctx.hasRunFiles(McAnalyze.PLOTS) && ctx.hasRunFiles("summary.csv");
      case REPORT -> ctx.hasRunFiles("report.md");
    };
  }

  @Override
  public java.util.Optional<UnitStatus> unitStatus(StudyContext ctx) {
    return java.util.Optional.of(McVariants.status(ctx.config(), new McTables(ctx.store())));
  }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> new McPrepare(ctx).execute();
      case RUN -> new McRun(ctx).execute();
      case SCORE -> new McScore(ctx).execute();
      case ANALYZE -> new McAnalyze(ctx).execute();
      case REPORT -> new McReport(ctx).execute();
    };
  }
}
