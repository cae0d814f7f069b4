package dev.harness.study.kv;

import dev.harness.config.StudyKind;
import dev.harness.study.Phase;
import dev.harness.study.Step;
import dev.harness.study.Study;
import dev.harness.study.UnitIdentity;
import java.nio.file.Files;
import java.util.List;
import java.util.TreeSet;

/** kv_transition: where a KV-cache compression policy breaks as context grows and the budget shrinks. */
public final class KvTransitionStudy {
  public static final String NAME = StudyKind.KV_TRANSITION.id();

  public static final Study STUDY = new Study(StudyKind.KV_TRANSITION, List.of(
      new Step(Phase.PREPARE, (in, c, ctx) -> {
        in.put("dataset", c.section(KvStudyConfig.class).dataset());
        in.put("bins", c.section(KvStudyConfig.class).bins());
        in.put("sampling", c.section(KvStudyConfig.class).sampling());
        in.put("tokenizer", c.engine().isLocal() ? c.engine().model() : c.engine().tokenizer());
      }, ctx -> Files.isRegularFile(KvPrepare.manifestPath(ctx)), ctx -> new KvPrepare(ctx).execute()),
      new Step(Phase.RUN, (in, c, ctx) -> {
        in.put("engine", c.engine());
        in.put("kv", c.section(KvStudyConfig.class).kv());
        in.put("generation", c.generation());
        in.put("metrics", c.section(KvStudyConfig.class).scoring().metrics().contains("answer_loglik"));
        // checkpoint / adapter content and prompt text: an in-place edit re-runs run and status names it
        in.put("unit_identity", UnitIdentity.hash(new TreeSet<>(KvRun.currentKeys(ctx))));
      }, ctx -> KvRun.unansweredUnits(ctx) == 0, ctx -> new KvRun(ctx).execute()),
      new Step(Phase.SCORE, (in, c, ctx) -> in.put("scoring", c.section(KvStudyConfig.class).scoring()),
          ctx -> true, ctx -> new KvScore(ctx).execute()),
      new Step(Phase.ANALYZE, (in, c, ctx) -> in.put("analysis", c.analysis()),
          ctx -> ctx.hasRunFiles(KvAnalyze.PLOTS), ctx -> new KvAnalyze(ctx).execute()),
      new Step(Phase.REPORT, (in, c, ctx) -> in.put("report", 1),
          ctx -> ctx.hasRunFiles("report.md"), ctx -> new KvReport(ctx).execute())),
      KvUnitStatus::of);

  private KvTransitionStudy() {}
}
