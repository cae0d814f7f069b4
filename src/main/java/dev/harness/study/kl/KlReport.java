package dev.harness.study.kl;

import dev.harness.HarnessException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.report.Markdown;
import dev.harness.report.TextFiles;
import dev.harness.stats.Interval;
import dev.harness.study.FailuresOnlyReport;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * report: {@code report.md} (setup, samples and failures per variant, summary with n and intervals, plots, ranking,
 * the top N prompts with the first sample of both variants (cut to a bounded excerpt), input problems, the estimator's caveats) and
 * {@code kl_ranking.csv} (written by the same code as {@code harness kl}'s). Everything is read from the store.
 */
final class KlReport {
  static final String CSV = KlOutputs.CSV;
  private final StudyContext ctx;

  KlReport(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    ExperimentConfig c = ctx.config();
    KlTables t = new KlTables(ctx.store());
    List<KlTables.DivergenceRow> rows = t.divergences();
    List<KlTables.SampleRow> current = KlUnits.current(c, t, t.samples());
    if (t.summary().isEmpty() && !current.isEmpty() && current.stream().noneMatch(KlTables.SampleRow::ok)) {
      return failuresOnly(ctx);
    }
    KlTables.SummaryRow s = t.summary().orElseThrow(() -> new PhaseException(Phase.REPORT, ctx.configPath(),
        "no divergence summary in " + ctx.store().file() + "; run 'harness analyze -c " + ctx.configPath()
            + "' first", null));
    List<PromptDivergence> ds = rows.stream().map(KlScore::divergence).toList();
    Path csv = ctx.runDir().resolve(CSV);
    try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      KlOutputs.writeCsv(ds, w);
    } catch (IOException e) {
      throw HarnessException.failure("writing " + csv + ": " + e.getMessage(), e);
    }
    Markdown md = build(c, t, rows, ds, s);
    Path report = ctx.runDir().resolve("report.md");
    TextFiles.writeAtomically(report, md.toString());
    return "report.md and " + CSV + " (" + rows.size() + " prompts) in " + ctx.runDir();
  }

  /** report.md when every current sample failed: counts by failure type with the stored evidence. */
  static String failuresOnly(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    KlTables t = new KlTables(ctx.store());
    List<FailuresOnlyReport.Failed> failed = new ArrayList<>();
    for (KlTables.SampleRow r : KlUnits.current(c, t, t.samples())) {
      if (!r.ok()) {
        failed.add(new FailuresOnlyReport.Failed(r.unitKey(), r.errorKind(),
            (r.httpStatus() == null ? "" : "HTTP " + r.httpStatus() + ": ") + r.errorMessage()));
      }
    }
    return FailuresOnlyReport.write(ctx, KlStudy.NAME, KlUnits.provenance(c, t), failed,
        "the samples table");
  }

  private Markdown build(ExperimentConfig c, KlTables t, List<KlTables.DivergenceRow> rows,
      List<PromptDivergence> ds, KlTables.SummaryRow s) {
    Estimator est = Estimator.parse(s.estimator());
    KlUnits.Pair pair = KlUnits.pair(c);
    String pct = KlOutputs.num(s.ciLevel() * 100) + "%";
    Markdown md = new Markdown();
    md.heading(1, "kl: where " + s.variantA() + " and " + s.variantB() + " diverge most (" + c.output().expGroupId() + ")");
    md.paragraph(KlUnits.provenance(c, t).line());
    md.bullet("A = `" + pair.nameA() + "`: " + describe(pair.a()));
    md.bullet("B = `" + pair.nameB() + "`: " + describe(pair.b()));
    md.bullet("estimator: `" + est.id() + "`" + (est.biased() ? " (**biased**, kept for comparison)" : ""));
    md.bullet(c.section(KlStudyConfig.class).kl().samples() + " samples per prompt and variant at temperature " + c.generation().temperature()
        + ", top_p " + c.generation().topP() + ", max_tokens " + c.generation().maxTokens() + ", top_logprobs "
        + c.section(KlStudyConfig.class).kl().topLogprobs() + ", seed " + c.generation().seed() + " (one seed per unit)");
    md.bullet("per prompt: mean over sample pairs of the " + est.unit() + " value"
        + (est == Estimator.TEXT_MC ? " in nats (log pA(y|x) − log pB(y|x) of each sampled text; per character in"
            + " kl_ranking.csv's extra column: per_char, forward_per_char, reverse_per_char)" : "")
        + " (symmetric mean of both directions), " + pct
        + " percentile-bootstrap CI over samples (" + c.analysis().bootstrapIters() + " resamples, seed "
        + c.analysis().seed() + ")");
    md.bullet("prompts: " + t.prompts().size() + " from `" + c.section(KlStudyConfig.class).prompts().source() + "` (field `" + c.section(KlStudyConfig.class).prompts().field()
        + "`)");

    md.heading(2, "What the estimator measures");
    md.paragraph(est.description());

    md.heading(2, "Samples per variant");
    List<KlTables.SampleRow> samples = KlUnits.current(c, t, t.samples());
    java.util.Set<String> currentKeys = new java.util.HashSet<>();
    samples.forEach(x -> currentKeys.add(x.unitKey()));
    java.util.Set<String> scorers = KlUnits.currentScorers(c);
    List<KlTables.CrossRow> cross = t.crossScores().stream()
        .filter(x -> currentKeys.contains(x.unitKey()) && scorers.contains(x.scorer())).toList();
    List<List<String>> srows = new ArrayList<>();
    for (EngineConfig v : c.engines()) {
      List<KlTables.SampleRow> mine = samples.stream().filter(x -> x.variant().equals(v.name())).toList();
      long ok = mine.stream().filter(KlTables.SampleRow::ok).count();
      long missing = mine.stream().filter(x -> KlSampling.MISSING_LOGPROBS.equals(x.errorKind())).count();
      String providers = mine.stream().map(x -> x.provider() == null ? "-" : x.provider()).distinct().sorted()
          .collect(Collectors.joining(", "));
      String models = mine.stream().map(KlTables.SampleRow::model).filter(java.util.Objects::nonNull).distinct()
          .collect(Collectors.joining(", "));
      String scorer = est == Estimator.TEXT_MC ? KlTextScoring.scorer(c, v) : KlUnits.crossScorer(c, v);
      List<KlTables.CrossRow> scoredUnder = cross.stream().filter(x -> x.scorer().equals(scorer)).toList();
      long crossOk = scoredUnder.stream().filter(KlTables.CrossRow::ok).count();
      srows.add(List.of(v.name(), models, providers, String.valueOf(mine.size()), String.valueOf(ok),
          String.valueOf(mine.size() - ok), String.valueOf(missing),
          scoredUnder.isEmpty() ? "-" : crossOk + " ok, " + (scoredUnder.size() - crossOk) + " failed"));
    }
    md.table(List.of("variant", "model", "provider", "samples", "ok", "failed", "without log-probs",
        est == Estimator.TEXT_MC ? "sample texts (both variants') scored under it"
            : "other variant's samples scored under it"), srows);
    List<KlTables.SampleRow> failed = samples.stream().filter(x -> !x.ok()).toList();
    if (!failed.isEmpty()) {
      md.paragraph("**" + failed.size() + " failed samples** (not in the dumps; `harness run` retries them). First "
          + Math.min(10, failed.size()) + ":");
      for (KlTables.SampleRow f : failed.subList(0, Math.min(10, failed.size()))) {
        md.bullet("`" + f.unitKey() + "`: " + f.errorKind() + (f.httpStatus() == null ? "" : " (HTTP " + f.httpStatus()
            + ")") + ": " + f.errorMessage());
      }
    }
    List<KlTables.CrossRow> crossFailed = cross.stream().filter(x -> !x.ok()).toList();
    if (!crossFailed.isEmpty()) {
      md.paragraph("**" + crossFailed.size() + " failed teacher-forced scorings** (those samples have no cross"
          + " scores). First " + Math.min(10, crossFailed.size()) + ":");
      for (KlTables.CrossRow f : crossFailed.subList(0, Math.min(10, crossFailed.size()))) {
        md.bullet("`" + f.unitKey() + "` under " + f.scorer() + ": " + f.errorKind() + ": " + f.errorMessage());
      }
    }

    md.heading(2, "Summary");
    Interval mean = new Interval(s.mean(), s.meanLo(), s.meanHi(), s.nFinite(), s.ciLevel());
    NaNotes sumNotes = new NaNotes();
    String none = "no prompt has a finite value";
    md.table(List.of("statistic", "value"), List.of(
        List.of("prompts compared", String.valueOf(s.nPrompts())),
        List.of("finite values", "n=" + s.nFinite()),
        List.of("infinite values (flag INFINITE)", String.valueOf(s.nInfinite())),
        List.of("not comparable", String.valueOf(s.nNan())),
        List.of("mean, " + pct + " bootstrap CI over prompts", mean.format(4)),
        List.of("median", sumNotes.cell(s.median(), "median", none) + " (n=" + s.nFinite() + ")"),
        List.of("min", sumNotes.cell(s.min(), "min", none) + " (n=" + s.nFinite() + ")"),
        List.of("max", sumNotes.cell(s.max(), "max", none) + " (n=" + s.nFinite() + ")")));
    if (s.nFinite() == 0) sumNotes.cell(Double.NaN, "mean", none);
    if (!sumNotes.isEmpty()) md.paragraph(sumNotes.legend());
    md.image("distribution of per-prompt divergence", KlAnalyze.PLOTS.get(0));
    md.image("top prompts by divergence", KlAnalyze.PLOTS.get(1));

    md.heading(2, "Ranking");
    md.paragraph("All " + rows.size() + " prompts are in `" + CSV + "`; the first " + Math.min(c.section(KlStudyConfig.class).kl().topN(), rows.size())
        + " here. value and CI are " + est.unit() + (est == Estimator.TEXT_MC ? " (nats; the tokens column holds"
        + " characters)" : "") + "; forward = KL(A‖B) along A's samples, reverse = KL(B‖A) along B's.");
    List<List<String>> rrows = new ArrayList<>();
    NaNotes notes = new NaNotes();
    for (PromptDivergence d : ds.subList(0, Math.min(c.section(KlStudyConfig.class).kl().topN(), ds.size()))) {
      rrows.add(List.of(String.valueOf(rows.get(rrows.size()).rank()), "`" + d.promptId() + "`",
          (Double.isNaN(d.value()) ? KlOutputs.valueCell(d) : KlOutputs.num(d.value()) + " "
              + notes.interval(d, d.ciLow(), d.ciHigh(), "CI")) + " (n=" + d.nSamples() + ")",
          notes.cell(d, d.forward(), "forward"), notes.cell(d, d.reverse(), "reverse"),
          String.valueOf(d.nTokens()), notes.cell(d, d.meanCoverage(), "coverage"),
          notes.interval(d, d.tvdLow(), d.tvdHigh(), "TVD bracket"), KlOutputs.flags(d)));
    }
    md.table(List.of("rank", "prompt", "value [CI] (n samples)", "forward", "reverse", "tokens", "coverage",
        "TVD bracket", "flags"), rrows);
    if (!notes.isEmpty()) md.paragraph(notes.legend());
    md.paragraph("Flags: see docs/kl.md, \"Report flags\".");

    md.heading(2, "Input problems");
    List<KlTables.IssueRow> issues = t.issues();
    if (issues.isEmpty()) md.paragraph("None: every dump line was read and paired.");
    for (KlTables.IssueRow i : issues) {
      List<String> ex = new ArrayList<>();
      KlResponses.parse(i.examplesJson()).forEach(n -> ex.add(n.asText()));
      md.bullet(i.count() + " " + i.label() + "; first: " + String.join(" | ", ex));
    }

    md.heading(2, "Top " + Math.min(c.section(KlStudyConfig.class).kl().topN(), ds.size()) + " prompts");
    md.paragraph("Per prompt: the prompt and the first sample of each variant, cut at " + KlOutputs.EXCERPT_LINES
        + " lines / " + KlOutputs.EXCERPT_CHARS + " characters (prompts: " + KlOutputs.PROMPT_LINES + " / "
        + KlOutputs.PROMPT_CHARS + "). Every sample is in `dumps/<variant>.jsonl` and the `samples` table.");
    Map<String, KlTables.PromptRow> prompts = new HashMap<>();
    t.prompts().forEach(p -> prompts.put(p.promptId(), p));
    int rank = 0;
    for (PromptDivergence d : ds.subList(0, Math.min(c.section(KlStudyConfig.class).kl().topN(), ds.size()))) {
      rank++;
      md.heading(3, rank + ". " + d.promptId() + " — " + est.id() + " " + KlOutputs.headline(d));
      if (!d.flags().isEmpty()) md.paragraph("flags: " + KlOutputs.flags(d));
      md.paragraph("**Prompt**");
      md.code(prompts.get(d.promptId()) == null ? "(not in the prompts table)"
          : KlOutputs.excerpt(prompts.get(d.promptId()).text(), KlOutputs.PROMPT_LINES, KlOutputs.PROMPT_CHARS));
      for (String variant : List.of(pair.nameA(), pair.nameB())) {
        List<KlTables.SampleRow> mine = samples.stream()
            .filter(x -> x.variant().equals(variant) && x.promptId().equals(d.promptId())).toList();
        if (mine.isEmpty()) continue;
        KlTables.SampleRow x = mine.get(0);
        md.paragraph("**" + variant + "**, sample " + x.sampleIndex() + " of " + mine.size() + " (" + (x.ok()
            ? x.completionTokens() + " tokens, finish " + x.finishReason() : "FAILED: " + x.errorKind()) + ")");
        md.code(KlOutputs.excerpt(x.text(), KlOutputs.EXCERPT_LINES, KlOutputs.EXCERPT_CHARS));
      }
    }
    dev.harness.report.EngineTable.write(md, dev.harness.study.RunEngines.of(ctx, KlStudy.NAME,
        c.engines().stream().map(EngineConfig::name).toList()));
    md.heading(2, "Effective configuration");
    md.code(dev.harness.config.ConfigSnapshot.yaml(c)); // the kl study's own sections, in the keys a user writes
    return md;
  }

  private String describe(EngineConfig e) {
    StringBuilder sb = new StringBuilder(e.kind()).append(" `").append(e.model()).append('`');
    if (e.adapter() != null) sb.append(" + adapter `").append(e.adapter()).append('`');
    if (!"none".equals(e.quantization())) sb.append(", ").append(e.quantization());
    if (e.isLocal()) sb.append(", ").append(e.dtype());
    else sb.append(", endpoint ").append(e.endpoint());
    return sb.toString();
  }

}
