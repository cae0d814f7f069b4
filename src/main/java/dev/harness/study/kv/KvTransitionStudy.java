package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/** kv_transition: where a KV-cache compression policy breaks as context grows and the budget shrinks. */
public final class KvTransitionStudy implements Study {
  public static final String NAME = dev.harness.config.StudyKind.KV_TRANSITION.id();

  @Override
  public String name() { return NAME; }

  @Override
  public java.util.Optional<dev.harness.study.UnitStatus> unitStatus(StudyContext ctx) { return java.util.Optional.of(KvUnitStatus.of(ctx)); }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    Map<String, Object> in = new LinkedHashMap<>();
    switch (phase) {
      case PREPARE -> {
        in.put("dataset", c.section(KvStudyConfig.class).dataset());
        in.put("bins", c.section(KvStudyConfig.class).bins());
        in.put("sampling", c.section(KvStudyConfig.class).sampling());
        in.put("tokenizer", c.engine().isLocal() ? c.engine().model() : c.engine().tokenizer());
      }
      case RUN -> {
        in.put("engine", c.engine());
        in.put("kv", c.section(KvStudyConfig.class).kv());
        in.put("generation", c.generation());
        in.put("metrics", c.section(KvStudyConfig.class).scoring().metrics().contains("answer_loglik"));
        // checkpoint / adapter content and prompt text: an in-place edit re-runs run and status names it
        in.put("unit_identity", dev.harness.study.UnitIdentity.hash(new java.util.TreeSet<>(KvRun.currentKeys(ctx))));
      }
      case SCORE -> in.put("scoring", c.section(KvStudyConfig.class).scoring());
      case ANALYZE -> in.put("analysis", c.analysis());
      case REPORT -> in.put("report", 1);
    }
    return in;
  }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> Files.isRegularFile(KvPrepare.manifestPath(ctx));
      case RUN -> KvRun.unansweredUnits(ctx) == 0;
      case SCORE -> true;
      case ANALYZE -> ctx.hasRunFiles(KvAnalyze.PLOTS);
      case REPORT -> ctx.hasRunFiles("report.md");
    };
  }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> new KvPrepare(ctx).execute();
      case RUN -> new KvRun(ctx).execute();
      case SCORE -> new KvScore(ctx).execute();
      case ANALYZE -> new KvAnalyze(ctx).execute();
      case REPORT -> new KvReport(ctx).execute();
    };
  }
}
