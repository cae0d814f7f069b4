package dev.harness.study.kl;

import dev.harness.config.ExperimentConfig;
import dev.harness.study.ContentHash;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kl: which prompts make two models (or a model and its fine-tune) diverge most. prepare stores the prompts; run
 * samples every variant and teacher-forces the pair on each other's samples, then writes the dumps; score runs the
 * {@code harness kl} comparison on the dumps; analyze summarises and plots; report writes report.md and
 * kl_ranking.csv.
 */
public final class KlStudy implements Study {
  public static final String NAME = dev.harness.config.StudyKind.KL.id();

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    Map<String, Object> in = new LinkedHashMap<>();
    switch (phase) {
      case PREPARE -> {
        in.put("prompts", c.section(KlStudyConfig.class).prompts());
        in.put("source_content", ContentHash.full(c.section(KlStudyConfig.class).prompts().source())); // an edited prompt file
      }
      case RUN -> {
        in.put("engines", c.engines());
        in.put("generation", c.generation());
        in.put("samples", c.section(KlStudyConfig.class).kl().samples());
        in.put("top_logprobs", c.section(KlStudyConfig.class).kl().topLogprobs());
        in.put("pair", KlUnits.pair(c).nameA() + "," + KlUnits.pair(c).nameB());
        in.put("cross", KlUnits.textLevel(c) ? "text" : KlUnits.needsCross(c)); // text_mc: text scores under both
        // model / adapter content and the prompts' text: a change the config's own sections do not show
        in.put("unit_identity", KlUnits.identityDigest(c, new KlTables(ctx.store()).prompts()));
      }
      case SCORE -> {
        in.put("estimator", c.section(KlStudyConfig.class).kl().estimator());
        in.put("alignment", c.section(KlStudyConfig.class).kl().alignment());
        in.put("min_coverage", c.section(KlStudyConfig.class).kl().minCoverage());
        in.put("bootstrap", c.analysis().bootstrapIters() + "," + c.analysis().ci() + "," + c.analysis().seed());
      }
      case ANALYZE -> in.put("top_n", c.section(KlStudyConfig.class).kl().topN());
      case REPORT -> in.put("report", 1);
    }
    return in;
  }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) {
    KlTables t = new KlTables(ctx.store());
    return switch (phase) {
      case PREPARE -> t.count("prompts") > 0;
      case RUN -> KlRunPhase.missing(ctx) == 0;
      case SCORE -> t.count("divergences") > 0;
      case ANALYZE -> t.count("divergence_summary") > 0
          && ctx.hasRunFiles(KlAnalyze.PLOTS);
      case REPORT -> ctx.hasRunFiles("report.md", KlReport.CSV);
    };
  }

  @Override
  public java.util.Optional<UnitStatus> unitStatus(StudyContext ctx) {
    return java.util.Optional.of(KlUnits.status(ctx.config(), new KlTables(ctx.store())));
  }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> new KlPrepare(ctx).execute();
      case RUN -> new KlRunPhase(ctx).execute();
      case SCORE -> new KlScore(ctx).execute();
      case ANALYZE -> new KlAnalyze(ctx).execute();
      case REPORT -> new KlReport(ctx).execute();
    };
  }
}
