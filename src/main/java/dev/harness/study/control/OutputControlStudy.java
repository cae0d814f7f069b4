package dev.harness.study.control;

import dev.harness.config.EngineConfig;
import dev.harness.config.StudyKind;
import dev.harness.study.Phase;
import dev.harness.study.Step;
import dev.harness.study.Study;
import dev.harness.study.UnitIdentity;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** output_control: can a model make its next-token distribution match a stated target (TVD). */
public final class OutputControlStudy {
  public static final String NAME = StudyKind.OUTPUT_CONTROL.id();

  public static final Study STUDY = new Study(StudyKind.OUTPUT_CONTROL, List.of(
      new Step(Phase.PREPARE, (in, c, ctx) -> {
        in.put("grid", c.section(ControlStudyConfig.class).grid());
        in.put("words", c.section(ControlStudyConfig.class).words());
        in.put("blocklist", c.section(ControlStudyConfig.class).control().blocklist());
        List<String> toks = new ArrayList<>();
        for (EngineConfig e : c.variants()) toks.add(e.isLocal() ? e.model() : e.tokenizer());
        in.put("tokenizers", toks);
      }, ctx -> !ControlRun.evalItems(ctx).isEmpty()
          && (ctx.config().section(ControlStudyConfig.class).grid().trainPairs() == 0 || Files.isRegularFile(ControlPrepare.trainFile(ctx))),
          ctx -> new ControlPrepare(ctx).execute()),
      new Step(Phase.RUN, (in, c, ctx) -> {
        in.put("engines", c.variants());
        in.put("prompt_format", c.section(ControlStudyConfig.class).control().promptFormat());
        in.put("top_logprobs", c.section(ControlStudyConfig.class).control().topLogprobs());
        in.put("store_top", c.section(ControlStudyConfig.class).control().storeTop());
        in.put("unit_identity", UnitIdentity.hash(new TreeSet<>(ControlRun.currentKeys(ctx))));
      }, ctx -> ControlRun.unanswered(ctx) == 0, ctx -> new ControlRun(ctx).execute()),
      new Step(Phase.SCORE, (in, c, ctx) -> {
        in.put("scorer", c.section(ControlStudyConfig.class).control().scorer());
        in.put("blocklist", c.section(ControlStudyConfig.class).control().blocklist());
      }, ctx -> new ControlTables(ctx.store()).resultCount() == ControlScore.scorable(ctx),
          ctx -> new ControlScore(ctx).execute()),
      new Step(Phase.ANALYZE, (in, c, ctx) -> in.put("analysis", c.analysis()),
          ctx -> ctx.hasRunFiles(ControlAnalyze.PLOTS), ctx -> new ControlAnalyze(ctx).execute()),
      new Step(Phase.REPORT, (in, c, ctx) -> in.put("report", 1),
          ctx -> ctx.hasRunFiles(ControlReport.files(ctx.config())), ctx -> new ControlReport(ctx).execute())),
      ControlRun::status);

  private OutputControlStudy() {}
}
