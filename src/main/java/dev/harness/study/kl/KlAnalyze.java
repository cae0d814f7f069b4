package dev.harness.study.kl;

import dev.harness.config.ExperimentConfig;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.report.Labels;
import dev.harness.report.PlotSeries;
import dev.harness.report.Plots;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Interval;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * analyze: the summary of the prompts' divergences (mean with a bootstrap CI over prompts, median, min, max over the
 * finite values, with the counts of infinite and not-comparable prompts) into {@code divergence_summary}, and the
 * plots {@code plots/kl_hist.png} (distribution) and {@code plots/kl_top.png} (top N with their CIs).
 */
final class KlAnalyze {
  static final List<String> PLOTS = List.of("plots/kl_hist.png", "plots/kl_top.png");
  private final StudyContext ctx;

  KlAnalyze(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    ExperimentConfig c = ctx.config();
    KlTables tables = new KlTables(ctx.store());
    List<KlTables.DivergenceRow> rows = tables.divergences();
    if (rows.isEmpty()) {
      throw new PhaseException(Phase.ANALYZE, ctx.configPath(), "no divergences in " + ctx.store().file()
          + "; run 'harness score -c " + ctx.configPath() + "' first", null);
    }
    List<PromptDivergence> ds = rows.stream().map(KlScore::divergence).toList();
    KlSummary s = KlSummary.of(ds);
    double[] finite = ds.stream().mapToDouble(PromptDivergence::value).filter(Double::isFinite).toArray();
    Interval mean = Bootstrap.meanCi(finite, c.analysis().bootstrapIters(), c.analysis().ci(), c.analysis().seed());
    KlTables.DivergenceRow first = rows.get(0);
    tables.replaceSummary(new KlTables.SummaryRow(first.variantA(), first.variantB(), first.estimator(), s.nPrompts(),
        s.nFinite(), s.nInfinite(), s.nNan(), s.mean(), mean.lo(), mean.hi(), s.median(), s.min(), s.max(),
        c.analysis().ci()));
    Map<String, String> texts = new HashMap<>();
    for (KlTables.PromptRow p : tables.prompts()) texts.put(p.promptId(), p.text());
    plots(ctx.runDir(), first, ds, c.section(KlStudyConfig.class).kl().topN(), texts);
    return s.nPrompts() + " prompts: mean " + mean.format(4) + ", median " + KlOutputs.num(s.median()) + ", "
        + s.nInfinite() + " infinite, " + s.nNan() + " not comparable";
  }

  /** Characters of a prompt shown under its bar. */
  static final int BAR_EXCERPT_CHARS = 28;

  /** A bar's label: the prompt's first words (its id when the text is missing) and the samples behind the bar. */
  static String barLabel(String promptId, int nSamples, Map<String, String> texts) {
    return Labels.excerpt(texts.getOrDefault(promptId, promptId), BAR_EXCERPT_CHARS) + " (n=" + nSamples + ")";
  }

  private static void plots(Path runDir, KlTables.DivergenceRow first, List<PromptDivergence> ds, int topN,
      Map<String, String> texts) {
    String label = first.estimator() + " divergence (" + first.variantA() + " vs " + first.variantB() + ", "
        + dev.harness.metrics.kl.Estimator.parse(first.estimator()).unit() + ")";
    double[] values = ds.stream().mapToDouble(PromptDivergence::value).toArray();
    int n = (int) java.util.Arrays.stream(values).filter(Double::isFinite).count();
    int bins = Math.max(5, Math.min(30, (int) Math.ceil(Math.sqrt(Math.max(1, n)))));
    Plots.histogram(runDir.resolve(PLOTS.get(0)), "Per-prompt divergence, " + first.variantA() + " vs "
        + first.variantB() + " (n=" + n + " prompts)", label, values, bins);
    List<PromptDivergence> top = ds.subList(0, Math.min(topN, ds.size()));
    double[] y = new double[top.size()], lo = new double[top.size()], hi = new double[top.size()];
    for (int i = 0; i < top.size(); i++) {
      y[i] = top.get(i).value();
      lo[i] = top.get(i).ciLow();
      hi[i] = top.get(i).ciHigh();
    }
    // bars are labelled by what the prompt says (its id when the text is missing), with the samples behind the bar
    List<String> cats = top.stream().map(d -> barLabel(d.promptId(), d.nSamples(), texts)).toList();
    Plots.bars(runDir.resolve(PLOTS.get(1)), "Top " + top.size() + " prompts by divergence (bootstrap CI over samples)",
        "prompt", label, cats, List.of(new PlotSeries(first.estimator(), y, lo, hi)));
  }
}
