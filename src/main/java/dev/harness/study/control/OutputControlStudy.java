package dev.harness.study.control;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.Phase;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitStatus;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** output_control: can a model make its next-token distribution match a stated target (TVD). */
public final class OutputControlStudy implements Study {
  public static final String NAME = dev.harness.config.StudyKind.OUTPUT_CONTROL.id();

  @Override
  public String name() { return NAME; }

  @Override
  public Object phaseInputs(Phase phase, StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    Map<String, Object> in = new LinkedHashMap<>();
    switch (phase) {
      case PREPARE -> {
        in.put("grid", c.section(ControlStudyConfig.class).grid());
        in.put("words", c.section(ControlStudyConfig.class).words());
        in.put("blocklist", c.section(ControlStudyConfig.class).control().blocklist());
        List<String> toks = new ArrayList<>();
        for (EngineConfig e : c.variants()) toks.add(e.isLocal() ? e.model() : e.tokenizer());
        in.put("tokenizers", toks);
      }
      case RUN -> {
        in.put("engines", c.variants());
        in.put("prompt_format", c.section(ControlStudyConfig.class).control().promptFormat());
        in.put("top_logprobs", c.section(ControlStudyConfig.class).control().topLogprobs());
        in.put("store_top", c.section(ControlStudyConfig.class).control().storeTop());
        in.put("unit_identity", UnitIdentity.hash(new java.util.TreeSet<>(ControlRun.currentKeys(ctx))));
      }
      case SCORE -> {
        in.put("scorer", c.section(ControlStudyConfig.class).control().scorer());
        in.put("blocklist", c.section(ControlStudyConfig.class).control().blocklist());
      }
      case ANALYZE -> in.put("analysis", c.analysis());
      case REPORT -> in.put("report", 1);
    }
    return in;
  }

  @Override
  public boolean outputsExist(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> !ControlRun.evalItems(ctx).isEmpty()
          && (ctx.config().section(ControlStudyConfig.class).grid().trainPairs() == 0 || Files.isRegularFile(ControlPrepare.trainFile(ctx)));
      case RUN -> ControlRun.unanswered(ctx) == 0;
      case SCORE -> new ControlTables(ctx.store()).resultCount() == ControlScoring.scorable(ctx);
      case ANALYZE -> ctx.hasRunFiles(ControlAnalyze.PLOTS);
      case REPORT -> ctx.hasRunFiles(ControlReport.files(ctx.config()));
    };
  }

  @Override
  public java.util.Optional<UnitStatus> unitStatus(StudyContext ctx) {
    return java.util.Optional.of(ControlRun.status(ctx));
  }

  @Override
  public String execute(Phase phase, StudyContext ctx) {
    return switch (phase) {
      case PREPARE -> new ControlPrepare(ctx).execute();
      case RUN -> new ControlRun(ctx).execute();
      case SCORE -> new ControlScoring(ctx).execute();
      case ANALYZE -> new ControlAnalyze(ctx).execute();
      case REPORT -> new ControlReport(ctx).execute();
    };
  }
}
