package dev.harness.study.kl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.config.ExperimentConfig;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.metrics.kl.TextMonteCarlo;
import dev.harness.study.Json;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * score: the pair's dumps through {@link KlComparison} — the very code {@code harness kl} runs — with the study's
 * estimator, alignment, coverage threshold and bootstrap settings; per-prompt divergences and every input problem go
 * to the store. Token-level estimators are refused when the variants' tokenizers differ.
 */
final class KlScore {
  private final StudyContext ctx;

  KlScore(StudyContext ctx) { this.ctx = ctx; }

  static KlOptions options(ExperimentConfig c) {
    return new KlOptions(c.section(KlStudyConfig.class).kl().minCoverage(), c.analysis().bootstrapIters(), c.analysis().ci(), c.analysis().seed());
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    KlUnits.Pair p = KlUnits.pair(c);
    Path a = KlUnits.dump(ctx.runDir(), p.nameA()), b = KlUnits.dump(ctx.runDir(), p.nameB());
    for (Path d : List.of(a, b)) {
      if (!Files.isRegularFile(d)) {
        throw new PhaseException(Phase.SCORE, ctx.configPath(), "no dump " + d + "; run 'harness run -c "
            + ctx.configPath() + "' first", null);
      }
    }
    if (KlUnits.textLevel(c)) return executeText(p);
    KlCrossScoring.checkSameTokenizer(ctx);
    Map<String, String> fp = KlSampling.fingerprints(ctx);
    boolean same = fp.get(p.nameA()) != null && fp.get(p.nameA()).equals(fp.get(p.nameB()));
    Estimator est = Estimator.parse(c.section(KlStudyConfig.class).kl().estimator());
    Alignment al = Alignment.valueOf(c.section(KlStudyConfig.class).kl().alignment().toUpperCase(Locale.ROOT));
    DumpComparison run;
    try {
      run = KlComparison.run(a, b, new KlComparison.Settings(est, al, options(c), same));
    } catch (HarnessException e) {
      if (e.exitCode() == HarnessException.USAGE) throw new ConfigException(ctx.configPath(), "kl.estimator", e.getMessage());
      throw e;
    }
    List<KlTables.DivergenceRow> rows = new ArrayList<>();
    int rank = 0;
    for (PromptDivergence d : run.ranked()) rows.add(row(p, d, ++rank));
    List<KlTables.IssueRow> issues = new ArrayList<>();
    for (DumpIssues.Kind k : DumpIssues.Kind.values()) {
      long n = run.issues().count(k);
      if (n > 0) issues.add(new KlTables.IssueRow(k.name(), k.label(), n, Json.write(run.issues().examples(k))));
    }
    new KlTables(ctx.store()).replaceDivergences(rows, issues);
    for (String line : run.issues().lines()) ctx.log("warning: " + line);
    return run.ranked().size() + " prompts scored by " + est.id() + " (" + run.compared() + " comparable, "
        + (run.teacherForced() ? "teacher-forced" : "aligned " + al.name().toLowerCase(Locale.ROOT)) + "); "
        + issues.stream().mapToLong(KlTables.IssueRow::count).sum() + " input problems";
  }

  /**
   * text_mc: per prompt, A's and B's ok samples (by sample index) with their texts' log-probs under both variants
   * ({@link KlTextScoring}) through {@link TextMonteCarlo}. Samples without both text scores are left out and counted
   * as MISSING_CROSS.
   */
  private String executeText(KlUnits.Pair p) {
    ExperimentConfig c = ctx.config();
    KlTables tables = new KlTables(ctx.store());
    KlTextScoring text = new KlTextScoring(ctx);
    Set<String> okKeys = tables.okCrossKeys();
    Map<String, Double> sums = text.sums();
    Map<String, List<TextMonteCarlo.TextSample>> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    tables.prompts().forEach(pr -> {
      a.put(pr.promptId(), new ArrayList<>());
      b.put(pr.promptId(), new ArrayList<>());
    });
    List<String> missing = new ArrayList<>();
    List<KlTables.SampleRow> samples = new ArrayList<>(KlUnits.current(c, tables, tables.samples()));
    String labelA = KlTextScoring.scorer(c, p.a()), labelB = KlTextScoring.scorer(c, p.b());
    samples.sort(java.util.Comparator.comparingInt(KlTables.SampleRow::sampleIndex));
    for (KlTables.SampleRow s : samples) {
      if (!s.ok()) continue;
      boolean isA = s.variant().equals(p.nameA());
      if (!isA && !s.variant().equals(p.nameB())) continue;
      String own = isA ? labelA : labelB, other = isA ? labelB : labelA;
      double lOwn = KlTextScoring.sequenceLogprob(s.unitKey(), own, okKeys, sums);
      double lOther = KlTextScoring.sequenceLogprob(s.unitKey(), other, okKeys, sums);
      if (Double.isNaN(lOwn) || Double.isNaN(lOther)) {
        missing.add(s.unitKey());
        continue;
      }
      String t = s.text() == null ? "" : s.text();
      (isA ? a : b).get(s.promptId()).add(new TextMonteCarlo.TextSample(lOwn, lOther, t.length()));
    }
    List<PromptDivergence> results = new ArrayList<>();
    for (String id : a.keySet()) results.add(TextMonteCarlo.estimate(id, a.get(id), b.get(id), options(c)));
    results.sort(KlComparison.RANKING);
    List<KlTables.DivergenceRow> rows = new ArrayList<>();
    int rank = 0;
    for (PromptDivergence d : results) rows.add(row(p, d, ++rank));
    List<KlTables.IssueRow> issues = new ArrayList<>();
    if (!missing.isEmpty()) {
      DumpIssues.Kind k = DumpIssues.Kind.MISSING_CROSS;
      issues.add(new KlTables.IssueRow(k.name(), "samples without text scores under both variants", missing.size(),
          Json.write(missing.subList(0, Math.min(5, missing.size())))));
      ctx.log("warning: " + missing.size() + " samples without text scores under both variants (left out)");
    }
    tables.replaceDivergences(rows, issues);
    long compared = results.stream().filter(d -> !Double.isNaN(d.value())).count();
    return results.size() + " prompts scored by text_mc (" + compared + " comparable, text level, nats per"
        + " sequence); " + missing.size() + " input problems";
  }

  static KlTables.DivergenceRow row(KlUnits.Pair p, PromptDivergence d, int rank) {
    return new KlTables.DivergenceRow(p.nameA(), p.nameB(), d.estimator().id(), d.promptId(), rank, d.value(),
        d.ciLow(), d.ciHigh(), d.forward(), d.reverse(), d.nSamples(), d.nTokens(), d.meanCoverage(), d.minCoverage(),
        d.lowCoverageFraction(), d.tvdLow(), d.tvdHigh(), KlOutputs.flags(d), extraJson(d.extra()));
  }

  /** A stored row back as the estimator's record (for the CSV writer shared with {@code harness kl}). */
  static PromptDivergence divergence(KlTables.DivergenceRow r) {
    Map<String, Double> extra = new LinkedHashMap<>();
    JsonNode e = KlResponses.parse(r.extraJson());
    e.fields().forEachRemaining(f -> extra.put(f.getKey(), number(f.getValue())));
    Set<KlFlag> flags = EnumSet.noneOf(KlFlag.class);
    for (String f : r.flags().split(" ")) if (!f.isBlank()) flags.add(KlFlag.valueOf(f));
    return new PromptDivergence(r.promptId(), Estimator.parse(r.estimator()), r.value(), r.ciLow(), r.ciHigh(),
        r.forward(), r.reverse(), r.nSamples(), r.nTokens(), r.meanCoverage(), r.minCoverage(),
        r.lowCoverageFraction(), r.tvdLow(), r.tvdHigh(), extra, flags);
  }

  /** Extra values as JSON; non-finite numbers as the strings "nan" / "inf" / "-inf" (JSON has no such numbers). */
  private static String extraJson(Map<String, Double> extra) {
    var o = KlResponses.JSON.createObjectNode();
    new java.util.TreeMap<>(extra).forEach((k, v) -> {
      if (Double.isFinite(v)) o.put(k, v);
      else o.put(k, KlOutputs.num(v));
    });
    return o.toString();
  }

  private static double number(JsonNode n) {
    if (n.isNumber()) return n.asDouble();
    return switch (n.asText()) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.NaN;
    };
  }
}
