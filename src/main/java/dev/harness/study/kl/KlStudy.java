package dev.harness.study.kl;

import dev.harness.config.StudyKind;
import dev.harness.study.ContentHash;
import dev.harness.study.Phase;
import dev.harness.study.Step;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import java.util.List;

/**
 * kl: which prompts make two models (or a model and its fine-tune) diverge most. prepare stores the prompts; run
 * samples every variant and teacher-forces the pair on each other's samples, then writes the dumps; score runs the
 * {@code harness kl} comparison on the dumps; analyze summarises and plots; report writes report.md and
 * kl_ranking.csv.
 */
public final class KlStudy {
  public static final String NAME = StudyKind.KL.id();

  public static final Study STUDY = new Study(StudyKind.KL, List.of(
      new Step(Phase.PREPARE, (in, c, ctx) -> {
        in.put("prompts", c.section(KlStudyConfig.class).prompts());
        in.put("source_content", ContentHash.full(c.section(KlStudyConfig.class).prompts().source())); // an edited prompt file
      }, ctx -> tables(ctx).count("prompts") > 0, ctx -> new KlPrepare(ctx).execute()),
      new Step(Phase.RUN, (in, c, ctx) -> {
        in.put("engines", c.engines());
        in.put("generation", c.generation());
        in.put("samples", c.section(KlStudyConfig.class).kl().samples());
        in.put("top_logprobs", c.section(KlStudyConfig.class).kl().topLogprobs());
        in.put("pair", KlUnits.pair(c).nameA() + "," + KlUnits.pair(c).nameB());
        in.put("cross", KlUnits.textLevel(c) ? "text" : KlUnits.needsCross(c)); // text_mc: text scores under both
        // model / adapter content and the prompts' text: a change the config's own sections do not show
        in.put("unit_identity", KlUnits.identityDigest(c, tables(ctx).prompts()));
      }, ctx -> KlRun.missing(ctx) == 0, ctx -> new KlRun(ctx).execute()),
      new Step(Phase.SCORE, (in, c, ctx) -> {
        in.put("estimator", c.section(KlStudyConfig.class).kl().estimator());
        in.put("alignment", c.section(KlStudyConfig.class).kl().alignment());
        in.put("min_coverage", c.section(KlStudyConfig.class).kl().minCoverage());
        in.put("bootstrap", c.analysis().bootstrapIters() + "," + c.analysis().ci() + "," + c.analysis().seed());
      }, ctx -> tables(ctx).count("divergences") > 0, ctx -> new KlScore(ctx).execute()),
      new Step(Phase.ANALYZE, (in, c, ctx) -> in.put("top_n", c.section(KlStudyConfig.class).kl().topN()),
          ctx -> tables(ctx).count("divergence_summary") > 0 && ctx.hasRunFiles(KlAnalyze.PLOTS),
          ctx -> new KlAnalyze(ctx).execute()),
      new Step(Phase.REPORT, (in, c, ctx) -> in.put("report", 1),
          ctx -> ctx.hasRunFiles("report.md", KlReport.CSV), ctx -> new KlReport(ctx).execute())),
      ctx -> KlUnits.status(ctx.config(), tables(ctx)));

  private KlStudy() {}

  private static KlTables tables(StudyContext ctx) { return new KlTables(ctx.store()); }
}
