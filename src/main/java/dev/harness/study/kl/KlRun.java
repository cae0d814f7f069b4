package dev.harness.study.kl;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.Engine;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * run: sample every variant ({@link KlSampling}), score the pair's samples under each other when the estimator uses
 * teacher forcing ({@link KlCrossScoring}), write the dumps ({@link KlDumps}). Resumable by unit key; a second run
 * sends only what is missing or failed.
 */
final class KlRun {
  private final StudyContext ctx;

  KlRun(StudyContext ctx) { this.ctx = ctx; }

  /** Units (samples and, when needed, teacher-forced scores) without any stored outcome; 0 when run is complete. */
  static long missing(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    KlTables t = new KlTables(ctx.store());
    List<KlTables.PromptRow> prompts = t.prompts();
    Set<String> have = t.sampleKeys();
    long n = 0;
    for (EngineConfig v : c.engines()) {
      n += KlSampling.units(c, prompts, v).stream().filter(u -> !have.contains(u.key())).count();
    }
    if (KlUnits.textLevel(c)) {
      n += KlTextScoring.missing(c, t, KlUnits.pair(c));
    } else if (KlUnits.needsCross(c)) {
      KlUnits.Pair p = KlUnits.pair(c);
      Set<String> scored = new java.util.HashSet<>();
      t.crossScores().forEach(r -> scored.add(r.unitKey() + "|" + r.scorer()));
      String labelA = KlUnits.crossScorer(c, p.a()), labelB = KlUnits.crossScorer(c, p.b());
      for (KlTables.SampleRow s : KlUnits.current(c, t, t.samples())) {
        if (!s.ok()) continue;
        String scorer = s.variant().equals(p.nameA()) ? labelB : s.variant().equals(p.nameB()) ? labelA : null;
        if (scorer != null && !scored.contains(s.unitKey() + "|" + scorer)) n++;
      }
    }
    for (EngineConfig v : c.engines()) if (!Files.isRegularFile(KlUnits.dump(ctx.runDir(), v.name()))) n++;
    return n;
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    KlTables tables = new KlTables(ctx.store());
    List<KlTables.PromptRow> prompts = tables.prompts();
    if (prompts.isEmpty()) {
      throw new PhaseException(Phase.RUN, ctx.configPath(), "no prepared prompts in " + ctx.store().file()
          + "; run 'harness prepare -c " + ctx.configPath() + "' first", null);
    }
    KlSampling sampling = new KlSampling(ctx);
    boolean force = ctx.forced(Phase.RUN); // --force run: every current unit again
    Set<String> done = force ? Set.of() : sampling.okKeys();
    List<String> parts = new ArrayList<>();
    int sent = 0, ok = 0, failed = 0, missingLp = 0;
    for (EngineConfig v : c.engines()) {
      List<KlSampling.Unit> todo = KlSampling.units(c, prompts, v).stream().filter(u -> !done.contains(u.key())).toList();
      if (todo.isEmpty()) continue;
      try (Engine engine = ctx.openVariant(v)) {
        sampling.recordRun(v, engine.info());
        KlSampling.Counts n = sampling.sample(v, engine, todo);
        sent += n.sent();
        ok += n.ok();
        failed += n.failed();
        missingLp += n.missingLogprobs();
        if (n.failed() > 0) {
          ctx.log("warning: " + v.name() + ": " + n.failed() + " of " + n.sent() + " samples failed ("
              + n.missingLogprobs() + " without log-probs); see the samples table and report.md");
        }
      }
    }
    List<KlTables.SampleRow> current = KlUnits.current(c, tables, tables.samples());
    if (sent > 0 && ok == 0 && current.stream().noneMatch(KlTables.SampleRow::ok)) {
      KlReport.failuresOnly(ctx); // the evidence is readable before run exits 1
      String first = current.stream().filter(r -> !r.ok()).findFirst()
          .map(r -> r.errorKind() + ": " + r.errorMessage()).orElse("?");
      throw new PhaseException(Phase.RUN, ctx.configPath(), "every sample failed (" + failed + "/" + sent
          + "); first error: " + first, null);
    }
    parts.add(sent + " samples sent (" + ok + " ok, " + failed + " failed, " + missingLp + " without log-probs)");
    if (KlUnits.textLevel(c)) {
      KlUnits.Pair p = KlUnits.pair(c);
      KlTextScoring text = new KlTextScoring(ctx);
      int scored = 0, textFailed = 0;
      for (EngineConfig scorer : List.of(p.a(), p.b())) {
        List<KlTables.SampleRow> todo = text.todo(p, scorer, force);
        if (todo.isEmpty()) continue;
        try (Engine engine = ctx.openVariant(scorer)) {
          sampling.recordRun(scorer, engine.info());
          int[] r = text.score(scorer, engine, todo);
          scored += r[0];
          textFailed += r[1];
        }
      }
      if (textFailed > 0) {
        ctx.log("warning: " + textFailed + " text scorings failed; those samples carry no text-level scores");
      }
      parts.add(scored + " sample texts scored (each under both variants; " + textFailed + " failed)");
    } else if (KlUnits.needsCross(c)) {
      KlUnits.Pair p = KlUnits.pair(c);
      KlCrossScoring cross = new KlCrossScoring(ctx);
      int scored = 0, crossFailed = 0;
      for (EngineConfig[] sw : new EngineConfig[][] {{p.a(), p.b()}, {p.b(), p.a()}}) {
        List<KlTables.SampleRow> todo = cross.todo(sw[0].name(), sw[1], force);
        if (todo.isEmpty()) continue;
        try (Engine engine = ctx.openVariant(sw[1])) {
          sampling.recordRun(sw[1], engine.info());
          KlCrossScoring.checkSameTokenizer(ctx);
          int[] r = cross.score(sw[1], engine, todo);
          scored += r[0];
          crossFailed += r[1];
        }
      }
      if (crossFailed > 0) {
        ctx.log("warning: " + crossFailed + " teacher-forced scorings failed; those samples carry no cross scores");
      }
      parts.add(scored + " samples scored under the other variant (" + crossFailed + " failed)");
    }
    int lines = KlDumps.write(ctx);
    parts.add(lines + " dump lines in " + KlUnits.dumpDir(ctx.runDir()));
    return String.join("; ", parts);
  }
}
