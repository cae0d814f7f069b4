package dev.harness.study.mc;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.report.Markdown;
import dev.harness.report.TextFiles;
import dev.harness.stats.Interval;
import dev.harness.study.FailuresOnlyReport;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** report: lm-eval-compatible files per variant, and report.md (evaluation cards, metrics, comparisons, plots). */
final class McReport {
  private final StudyContext ctx;

  McReport(StudyContext ctx) { this.ctx = ctx; }

  /** report.md when no unit of the current configuration has a result: failures by type with the stored evidence. */
  static String failuresOnly(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    java.util.Set<String> current = McVariants.currentKeys(c, tables);
    List<FailuresOnlyReport.Failed> failed = new ArrayList<>();
    for (McTables.FailureRow f : tables.failures()) {
      if (!current.contains(f.unitKey())) continue;
      failed.add(new FailuresOnlyReport.Failed(f.unitKey(), f.failureType(),
          (f.httpStatus() == null ? "" : "HTTP " + f.httpStatus() + ": ") + f.message()));
    }
    return FailuresOnlyReport.write(ctx, McEvalStudy.NAME, McVariants.provenance(c, tables), failed,
        "the mc_failures table");
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    UnitStatus units = McVariants.status(c, tables);
    if (units.done() == 0 && units.failed() > 0) return failuresOnly(ctx);
    List<Path> folders = LmEvalFiles.write(ctx.runDir(), c, tables, Instant.now());
    List<McTables.SummaryRow> summary = tables.summary();
    List<McTables.ComparisonRow> comps = tables.comparisons();
    double level = c.analysis().ci();
    String pct = Math.round(level * 100) + "%";
    List<Integer> seeds = McVariants.seeds(c);
    Markdown md = new Markdown();
    md.heading(1, "mc_eval: " + c.output().expGroupId());
    md.paragraph(McVariants.provenance(c, tables).line());
    md.paragraph("lm-evaluation-harness-style multiple choice (zero-shot log-likelihood of `\" \" + choice` after the "
        + "task prompt) for " + c.variants().size() + " variant(s) on " + String.join(", ", c.section(McStudyConfig.class).tasks()) + ". Means carry "
        + "a " + pct + " percentile-bootstrap CI (" + c.analysis().bootstrapIters() + " resamples, seed "
        + c.analysis().seed() + ") and lm-eval's stderr (sample std / √n).");
    md.paragraph("**Seeds.** The config lists seeds " + seeds + ". A zero-shot log-likelihood score has no sampling, so "
        + "a seed cannot change it: each request was scored once and the same result recorded for every seed "
        + "(`mc_results.scored_with_seed`). The per-seed rows in summary.csv are therefore identical, and seeds add no "
        + "variance to any interval here.");

    md.heading(2, "Evaluation cards");
    List<String> folderNames = McVariants.folders(c);
    EngineConfig base = McVariants.baseline(c);
    for (int i = 0; i < c.variants().size(); i++) {
      EngineConfig v = c.variants().get(i);
      md.heading(3, v.label() + (v == base ? " (baseline)" : ""));
      md.bullet("model: `" + v.model() + "` (" + v.kind() + " engine, dtype " + v.dtype() + ")");
      md.bullet("adapter: " + (v.adapter() == null ? "none" : "`" + v.adapter() + "`"));
      md.bullet("quantization: " + v.quantization() + (v.adapter() != null && v.quantization().startsWith("nf4") ? " (QLoRA)" : ""));
      for (String task : c.section(McStudyConfig.class).tasks()) {
        tables.task(task).ifPresent(t -> md.bullet("data " + task + ": `" + t.source() + "`, " + t.nSelected() + " of "
            + t.nSource() + " documents (" + (t.limit() == null ? "all" : ("first".equals(t.subset())
            ? "the first " + t.limit() : "a seeded random " + t.limit() + " (seed " + c.section(McStudyConfig.class).mc().subsetSeed() + ")")) + ")"));
      }
      md.bullet("limits: limit " + (c.section(McStudyConfig.class).limit() == null ? "none" : c.section(McStudyConfig.class).limit()) + ", batch size " + c.section(McStudyConfig.class).mc().batchSize()
          + " requests per forward pass, seeds " + seeds);
      md.bullet("lm-eval files: `" + LmEvalFiles.DIR + "/" + folderNames.get(i) + "/`");
    }

    md.heading(2, "Metrics (seed-averaged per item)");
    List<List<String>> rows = new ArrayList<>();
    for (EngineConfig v : c.variants()) {
      for (String task : c.section(McStudyConfig.class).tasks()) {
        for (String m : McAnalyze.metricsOf(task)) {
          summary.stream().filter(s -> s.variant().equals(v.label()) && s.task().equals(task) && s.metric().equals(m)
              && s.seed().equals(McAnalyze.ALL_SEEDS)).findFirst().ifPresent(s -> rows.add(List.of(v.label(), task,
              task.equals("truthfulqa_mc2") ? "mc2 (acc)" : m, interval(s.mean(), s.lo(), s.hi(), s.n(), level),
              num(s.stderr()))));
        }
      }
    }
    md.table(List.of("variant", "task", "metric", "mean [" + pct + " CI] (n)", "stderr"), rows);
    md.image("metrics by variant", "plots/metrics_by_variant.png");

    md.heading(2, "Comparisons against " + base.label());
    if (comps.isEmpty()) {
      md.paragraph("Only one variant: nothing to compare.");
    } else {
      md.paragraph("Δ = variant − " + base.label() + " over the same documents (paired bootstrap " + pct + " CI of the "
          + "mean per-item difference). McNemar for 0/1 metrics: b = documents only the variant gets right, c = only "
          + "the baseline; exact two-sided binomial p on min(b, c) with n = b + c, and the continuity-corrected "
          + "chi-square (|b − c| − 1)² / (b + c) alongside.");
      List<List<String>> cr = new ArrayList<>();
      for (McTables.ComparisonRow r : comps) {
        cr.add(List.of(r.variant(), r.task(), r.task().equals("truthfulqa_mc2") ? "mc2 (acc)" : r.metric(),
            interval(r.delta(), r.lo(), r.hi(), r.n(), level),
            r.b() == null ? "—" : r.b() + " / " + r.c(), num(r.exactP()),
            r.chi2() == null ? "—" : num(r.chi2()) + " (p " + num(r.chi2P()) + ")"));
      }
      md.table(List.of("variant", "task", "metric", "Δ [" + pct + " CI] (n)", "McNemar b / c", "exact p",
          "chi² cc (p)"), cr);
    }
    md.image("trade-off", "plots/tradeoff_scatter.png");
    md.paragraph("Tables: `summary.csv` (variant × task × metric × seed, with CI and stderr), `comparisons.csv`.");
    dev.harness.report.EngineTable.write(md, dev.harness.study.RunEngines.of(ctx, McEvalStudy.NAME,
        c.variants().stream().map(EngineConfig::label).toList()));
    md.heading(2, "Effective configuration");
    md.code(dev.harness.config.ConfigSnapshot.yaml(c));
    TextFiles.writeAtomically(ctx.runDir().resolve("report.md"), md.toString());
    return "report.md and lm-eval files in " + folders.size() + " folder(s)";
  }

  static String interval(Double mean, Double lo, Double hi, int n, double level) {
    return new Interval(d(mean), d(lo), d(hi), n, level).format(4);
  }

  private static double d(Double v) { return v == null ? Double.NaN : v; }

  private static String num(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
  }
}
