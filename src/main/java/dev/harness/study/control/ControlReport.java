package dev.harness.study.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.report.Csv;
import dev.harness.report.Markdown;
import dev.harness.report.TextFiles;
import dev.harness.stats.Interval;
import dev.harness.study.FailuresOnlyReport;
import dev.harness.study.StudyContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report: from the store alone — {@code report.md}, per-model {@code output_control_results_<model>.json},
 * {@code output_control_combined_results.json}, {@code output_control_results.csv} (one row per engine variant ×
 * item) and {@code output_control_simple_metrics.csv} (one row per engine variant × case × prompt variant).
 */
final class ControlReport {
  static final String COMBINED = "output_control_combined_results.json";
  static final String RESULTS_CSV = "output_control_results.csv";
  static final String SIMPLE_CSV = "output_control_simple_metrics.csv";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final StudyContext ctx;

  ControlReport(StudyContext ctx) { this.ctx = ctx; }

  static String perModelFile(String label) { return "output_control_results_" + label + ".json"; }

  static List<String> files(ExperimentConfig c) {
    List<String> f = new ArrayList<>(List.of("report.md", COMBINED, RESULTS_CSV, SIMPLE_CSV));
    c.variants().forEach(e -> f.add(perModelFile(e.label())));
    return f;
  }

  /** report.md when every current unit failed: counts by failure type with the stored evidence. */
  static String failuresOnly(StudyContext ctx) {
    List<FailuresOnlyReport.Failed> failed = new ArrayList<>();
    for (ControlTables.ResponseRow r : ControlRun.currentResponses(ctx)) {
      if (!r.ok()) failed.add(new FailuresOnlyReport.Failed(r.unitKey(), r.errorKind(), r.errorMessage()));
    }
    return FailuresOnlyReport.write(ctx, OutputControlStudy.NAME, ControlRun.provenance(ctx), failed,
        "the control_responses table");
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    List<ControlTables.ResponseRow> currentRows = ControlRun.currentResponses(ctx);
    if (!currentRows.isEmpty() && currentRows.stream().noneMatch(ControlTables.ResponseRow::ok)) return failuresOnly(ctx);
    ControlTables t = new ControlTables(ctx.store());
    List<ControlTables.SummaryRow> summary = t.summary();
    List<ControlAnalyze.Scored> scored = ControlAnalyze.scored(ctx);
    List<ControlTables.ResponseRow> responses = ControlRun.currentResponses(ctx);

    List<List<Object>> itemRows = new ArrayList<>();
    for (ControlAnalyze.Scored s : scored) itemRows.add(itemCsvRow(s));
    Csv.write(ctx.runDir().resolve(RESULTS_CSV), List.of("model", "item_id", "case", "variant", "pair_index", "word1",
        "word2", "seed", "p", "q", "r", "scorer", "tvd", "pass", "scored_word1", "p1", "scored_word2", "p2",
        "other_mass", "blocked_mass"), itemRows);

    List<List<Object>> simple = new ArrayList<>();
    for (ControlTables.SummaryRow r : summary) {
      if (!"case".equals(r.grouping()) && !"model".equals(r.grouping())) continue;
      simple.add(List.of(r.engineVariant(), r.caseName(), r.variant(), r.n(), r.passes(), num(r.passRate()),
          num(r.passLo()), num(r.passHi()), num(r.meanTvd()), num(r.tvdLo()), num(r.tvdHi())));
    }
    Csv.write(ctx.runDir().resolve(SIMPLE_CSV), List.of("model", "case", "variant", "n", "passes", "pass_rate",
        "pass_lo", "pass_hi", "mean_tvd", "tvd_lo", "tvd_hi"), simple);

    Map<String, Object> combined = new LinkedHashMap<>();
    combined.put("study", OutputControlStudy.NAME);
    combined.put("scorer", c.section(ControlStudyConfig.class).control().scorer());
    combined.put("prompt_format", c.section(ControlStudyConfig.class).control().promptFormat());
    combined.put("ci_level", c.analysis().ci());
    Map<String, Object> models = new LinkedHashMap<>();
    for (EngineConfig e : c.variants()) {
      Map<String, Object> m = modelJson(e, summary, scored, responses);
      write(ctx.runDir().resolve(perModelFile(e.label())), m);
      Map<String, Object> brief = new LinkedHashMap<>(m);
      brief.remove("items");
      models.put(e.label(), brief);
    }
    combined.put("models", models);
    List<Map<String, Object>> comps = new ArrayList<>();
    for (ControlTables.ComparisonRow r : t.comparisons()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("model", r.engineVariant());
      x.put("baseline", r.baseline());
      x.put("case", r.caseName());
      x.put("variant", r.variant());
      x.put("n", r.n());
      x.put("baseline_passes", r.baselinePasses());
      x.put("passes", r.passes());
      x.put("only_baseline_passes", r.onlyBaseline());
      x.put("only_model_passes", r.onlyVariant());
      x.put("mcnemar_exact_p", r.mcnemarP());
      x.put("tvd_diff", interval(r.tvdDiff(), r.tvdDiffLo(), r.tvdDiffHi()));
      comps.add(x);
    }
    combined.put("comparisons", comps);
    write(ctx.runDir().resolve(COMBINED), combined);

    TextFiles.writeAtomically(ctx.runDir().resolve("report.md"), markdown(c, summary, t.comparisons(), responses, t.words()));
    return "report.md, " + COMBINED + ", " + RESULTS_CSV + ", " + SIMPLE_CSV + " and " + c.variants().size()
        + " per-model JSON files (" + scored.size() + " scored items)";
  }

  private Map<String, Object> modelJson(EngineConfig e, List<ControlTables.SummaryRow> summary,
      List<ControlAnalyze.Scored> scored, List<ControlTables.ResponseRow> responses) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", e.label());
    Map<String, Object> eng = new LinkedHashMap<>();
    eng.put("kind", e.kind());
    eng.put("model", e.model());
    eng.put("adapter", e.adapter());
    eng.put("quantization", e.quantization());
    m.put("engine", eng);
    m.put("failed_units", responses.stream().filter(r -> r.engineVariant().equals(e.label()) && !r.ok()).count());
    List<Map<String, Object>> sums = new ArrayList<>();
    for (ControlTables.SummaryRow r : summary) {
      if (!r.engineVariant().equals(e.label())) continue;
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("grouping", r.grouping());
      s.put("case", r.caseName());
      s.put("variant", r.variant());
      if (r.p() != null) s.put("p", r.p());
      if (r.r() != null) s.put("r", r.r());
      s.put("n", r.n());
      s.put("passes", r.passes());
      s.put("pass_rate", interval(r.passRate(), r.passLo(), r.passHi()));
      s.put("mean_tvd", interval(r.meanTvd(), r.tvdLo(), r.tvdHi()));
      s.put("mean_p1", interval(r.meanP1(), r.p1Lo(), r.p1Hi()));
      sums.add(s);
    }
    m.put("summary", sums);
    List<Map<String, Object>> items = new ArrayList<>();
    for (ControlAnalyze.Scored s : scored) {
      if (!s.engine().equals(e.label())) continue;
      ControlItem it = s.item();
      ControlTables.ResultRow r = s.result();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("item_id", it.itemId());
      x.put("case", it.caseName());
      x.put("variant", it.variant());
      x.put("word1", it.word1());
      x.put("word2", it.word2());
      x.put("seed", it.seed());
      x.put("p", it.p());
      x.put("q", it.q());
      x.put("r", it.r());
      x.put("tvd", r.tvd());
      x.put("pass", r.pass());
      x.put("scored_word1", r.word1());
      x.put("p1", r.p1());
      x.put("scored_word2", r.word2());
      x.put("p2", r.p2());
      x.put("other_mass", r.otherMass());
      x.put("blocked_mass", r.blockedMass());
      items.add(x);
    }
    m.put("items", items);
    return m;
  }

  private static List<Object> itemCsvRow(ControlAnalyze.Scored s) {
    ControlItem it = s.item();
    ControlTables.ResultRow r = s.result();
    List<Object> row = new ArrayList<>();
    row.add(s.engine());
    row.add(it.itemId());
    row.add(it.caseName());
    row.add(it.variant());
    row.add(it.pairIndex());
    row.add(it.word1());
    row.add(it.word2());
    row.add(it.seed());
    row.add(it.p());
    row.add(it.q());
    row.add(it.r());
    row.add(r.scorer());
    row.add(r.tvd());
    row.add(r.pass() ? 1 : 0);
    row.add(r.word1());
    row.add(r.p1());
    row.add(r.word2());
    row.add(r.p2());
    row.add(r.otherMass());
    row.add(r.blockedMass());
    return row;
  }

  private String markdown(ExperimentConfig c, List<ControlTables.SummaryRow> summary,
      List<ControlTables.ComparisonRow> comparisons, List<ControlTables.ResponseRow> responses,
      List<ControlTables.WordRow> words) {
    Markdown md = new Markdown();
    md.heading(1, "output_control: " + c.output().expGroupId());
    md.paragraph(ControlRun.provenance(ctx).line());
    String level = ControlAnalyze.pct(c.analysis().ci());
    md.paragraph("Can the model make its next-token distribution match a stated target? Each item asks for p% of one "
        + "word and q = 100 − p% of another (given words) or of two words of its choice (random words), within r% "
        + "total variation distance. Scorer: `" + c.section(ControlStudyConfig.class).control().scorer() + "`; prompt format: `"
        + c.section(ControlStudyConfig.class).control().promptFormat() + "`. Pass rates carry " + level + " Wilson intervals, mean TVD and mean P1 "
        + level + " percentile-bootstrap intervals (" + c.analysis().bootstrapIters() + " resamples, seed "
        + c.analysis().seed() + "); n is the number of scored items.");
    md.paragraph(scorerSentence(c.section(ControlStudyConfig.class).control().scorer()));
    String filter = words.isEmpty() ? "none" : words.get(0).filterLevel();
    long eval = words.stream().filter(w -> "eval".equals(w.role())).count();
    long train = words.stream().filter(w -> "train".equals(w.role())).count();
    md.paragraph("Word list: " + words.size() + " words after the tokenizer filter `" + filter + "` (" + eval
        + " in evaluation pairs, " + train + " in training pairs)."
        + switch (filter) {
          case "strict" -> " Every word is one token after the prefill, with and without a leading space.";
          case "leading_space" -> " The strict filter (one token with and without a leading space) left too few words "
              + "for this tokenizer and was relaxed to one token with a leading space.";
          default -> " The list is used unfiltered (no tokenizer known, or fewer than two single-token words): a given "
              + "word that is several tokens cannot get its probability from one next token.";
        });

    md.heading(2, "Overall");
    List<List<String>> rows = new ArrayList<>();
    for (EngineConfig e : c.variants()) {
      ControlTables.SummaryRow r = ControlAnalyze.find(summary, e.label(), "model", ControlAnalyze.ALL, ControlAnalyze.ALL, null, null);
      long failed = responses.stream().filter(x -> x.engineVariant().equals(e.label()) && !x.ok()).count();
      rows.add(List.of(e.label(), describe(e), r == null ? "n/a (n=0)" : rate(r).format(3),
          r == null ? "n/a (n=0)" : tvd(r).format(3), Long.toString(failed)));
    }
    md.table(List.of("model", "engine", "pass rate", "mean TVD", "failed units"), rows);

    if (!comparisons.isEmpty()) {
      md.heading(2, "Against " + comparisons.get(0).baseline());
      md.paragraph("Paired on the items both variants answered. Pass rates with " + level + " Wilson intervals; "
          + "McNemar's exact test on the paired pass/fail outcomes (b: only the baseline passes, c: only the variant "
          + "passes); ΔTVD = mean(TVD variant − TVD baseline) with a " + level + " paired-bootstrap interval (negative: "
          + "the variant is closer to the targets).");
      List<List<String>> cr = new ArrayList<>();
      double ci = c.analysis().ci();
      for (ControlTables.ComparisonRow r : comparisons) {
        cr.add(List.of(r.engineVariant(), r.caseName(), r.variant(),
            dev.harness.stats.Wilson.interval(r.baselinePasses(), r.n(), ci).format(3),
            dev.harness.stats.Wilson.interval(r.passes(), r.n(), ci).format(3),
            r.onlyBaseline() + " / " + r.onlyVariant(), String.format(java.util.Locale.ROOT, "%.4f", r.mcnemarP()),
            new Interval(r.tvdDiff(), r.tvdDiffLo(), r.tvdDiffHi(), r.n(), ci).format(3)));
      }
      md.table(List.of("model", "case", "variant", "baseline pass rate", "pass rate", "b / c", "McNemar p", "ΔTVD"), cr);
    }

    md.heading(2, "By case and prompt variant");
    rows = new ArrayList<>();
    for (ControlTables.SummaryRow r : summary) {
      if (!"case".equals(r.grouping())) continue;
      rows.add(List.of(r.engineVariant(), r.caseName(), r.variant(), rate(r).format(3), tvd(r).format(3),
          p1(r).format(3)));
    }
    md.table(List.of("model", "case", "variant", "pass rate", "mean TVD", "mean P1"), rows);
    md.paragraph("P1: the probability of the first given word (given words), or of the most probable word (random words).");
    md.image("TVD by case", "plots/tvd_by_case.png");

    md.heading(2, "By target p");
    rows = new ArrayList<>();
    for (ControlTables.SummaryRow r : summary) {
      if (!"p".equals(r.grouping())) continue;
      rows.add(List.of(r.engineVariant(), r.caseName(), Integer.toString(r.p()), rate(r).format(3), tvd(r).format(3),
          p1(r).format(3)));
    }
    md.table(List.of("model", "case", "p", "pass rate", "mean TVD", "mean P1"), rows);
    md.image("calibration", "plots/calibration.png");

    md.heading(2, "By tolerance r");
    rows = new ArrayList<>();
    for (ControlTables.SummaryRow r : summary) {
      if (!"r".equals(r.grouping())) continue;
      rows.add(List.of(r.engineVariant(), r.caseName(), Integer.toString(r.r()), rate(r).format(3), tvd(r).format(3)));
    }
    md.table(List.of("model", "case", "r", "pass rate", "mean TVD"), rows);

    md.heading(2, "Reading the numbers");
    md.bullet("A model that puts almost no mass on the two words gets a TVD near 0.5 or above and fails every item.");
    md.bullet("Published reference (a port with its own scorer, 4-bit models): qwen2-7b 0.225, deepseek-coder-7b (sp) "
        + "0.195, qwen2-7b-instruct 0.07, deepseek-llm-7b-chat 0.07, llama-3.1-8b 0.0; use `control.scorer: sad_compat` "
        + "to compare with SAD's scorer.");
    md.bullet("Every number is recomputable from `control_responses.distribution_json` in the store.");
    dev.harness.report.EngineTable.write(md, dev.harness.study.RunEngines.of(ctx, OutputControlStudy.NAME,
        c.variants().stream().map(EngineConfig::label).toList()));
    md.heading(2, "Effective configuration");
    md.code(dev.harness.config.ConfigSnapshot.yaml(c));
    return md.toString();
  }

  /** The one sentence near the headline that says which scorer ran and what it does with other-token mass. */
  static String scorerSentence(String scorer) {
    return "Scorer: " + scorer + " — " + dev.harness.metrics.control.ControlScorer.describe(scorer) + ".";
  }

  private static String describe(EngineConfig e) {
    StringBuilder sb = new StringBuilder(e.kind()).append(' ').append(e.model());
    if (e.adapter() != null) sb.append(" + adapter ").append(e.adapter());
    if (!"none".equals(e.quantization())) sb.append(" (").append(e.quantization()).append(')');
    return sb.toString();
  }

  private Interval rate(ControlTables.SummaryRow r) {
    return new Interval(r.passRate(), r.passLo(), r.passHi(), r.n(), ctx.config().analysis().ci());
  }

  private Interval tvd(ControlTables.SummaryRow r) {
    return new Interval(r.meanTvd(), r.tvdLo(), r.tvdHi(), r.n(), ctx.config().analysis().ci());
  }

  private Interval p1(ControlTables.SummaryRow r) {
    return new Interval(r.meanP1(), r.p1Lo(), r.p1Hi(), r.n(), ctx.config().analysis().ci());
  }

  private static Map<String, Object> interval(double est, double lo, double hi) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("estimate", num(est));
    m.put("lo", num(lo));
    m.put("hi", num(hi));
    return m;
  }

  private static Object num(double v) { return Double.isNaN(v) ? null : v; }


  private static void write(Path file, Object value) {
    try {
      TextFiles.writeAtomically(file, JSON.writeValueAsString(value) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

}
