package dev.harness.study.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.config.ExperimentConfig;
import dev.harness.report.Csv;
import dev.harness.report.EngineTable;
import dev.harness.report.Markdown;
import dev.harness.study.RunEngines;
import dev.harness.report.TextFiles;
import dev.harness.stats.Interval;
import dev.harness.stats.TransitionDetector;
import dev.harness.stats.TransitionFamilies;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.StudyContext;
import dev.harness.study.kv.KvAnalysisTables.BinStatRow;
import dev.harness.study.kv.KvAnalysisTables.Ci;
import dev.harness.study.kv.KvAnalysisTables.TransitionRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** report: {@code report.md} and {@code bin_stats.csv} from the store alone. */
final class KvReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StudyContext ctx;

  KvReport(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    ExperimentConfig c = ctx.config();
    List<BinStatRow> stats = new KvAnalysisTables(ctx.store()).binStats();
    if (stats.isEmpty() && !new ScoreFailureTables(ctx.store()).failures().isEmpty()) return failuresOnly();
    if (stats.isEmpty()) {
      throw new PhaseException(Phase.REPORT, ctx.configPath(), "no bin_stats in " + ctx.store().file()
          + "; run 'harness analyze -c " + ctx.configPath() + "' first", null);
    }
    List<TransitionRow> transitions = new KvAnalysisTables(ctx.store()).transitions();
    List<RequestTables.RunRow> runs = new RequestTables(ctx.store()).runs();
    List<ScoreFailureTables.FailureRow> failures = new ScoreFailureTables(ctx.store()).failures();
    int totalUnits = stats.stream().mapToInt(BinStatRow::nUnits).sum();

    Markdown md = new Markdown();
    md.heading(1, "kv_transition: " + c.output().expGroupId());
    md.paragraph(dev.harness.study.RunProvenance.fromKeys(c, KvRun.currentKeys(ctx), new RequestTables(ctx.store()).respondedUnitKeys()).line());
    md.paragraph("Where does KV-cache policy `" + c.section(KvStudyConfig.class).kv().policy() + "` break as prompts grow and the KV budget shrinks? "
        + "Every mean below carries its n and a " + pct(c.analysis().ci()) + " interval (percentile bootstrap, "
        + c.analysis().bootstrapIters() + " resamples, seed " + c.analysis().seed() + "; Wilson for rates). "
        + "Scores are per item in [0, 1]; infrastructure failures (rate limits, timeouts, engine errors) are excluded "
        + "from accuracy and counted separately.");

    md.heading(2, "Configuration");
    md.table(List.of("setting", "value"), List.of(
        List.of("config file", "`" + ctx.configPath() + "`"),
        List.of("dataset", c.section(KvStudyConfig.class).dataset().name() + " / " + c.section(KvStudyConfig.class).dataset().task() + " (" + c.section(KvStudyConfig.class).dataset().split() + ") from `"
            + c.section(KvStudyConfig.class).dataset().source() + "`"),
        List.of("bins", c.section(KvStudyConfig.class).bins().edges() != null ? "explicit edges " + c.section(KvStudyConfig.class).bins().edges() : c.section(KvStudyConfig.class).bins().count() + " quantile bins"),
        List.of("sampling", "pinned".equals(c.section(KvStudyConfig.class).sampling().strategy()) ? "pinned, " + c.section(KvStudyConfig.class).sampling().ids().size() + " ids"
            : c.section(KvStudyConfig.class).sampling().strategy() + ", " + c.section(KvStudyConfig.class).sampling().nPerBin() + " per bin, seed " + c.section(KvStudyConfig.class).sampling().seed()),
        List.of("KV policy", c.section(KvStudyConfig.class).kv().policy() + " " + c.section(KvStudyConfig.class).kv().params() + (c.section(KvStudyConfig.class).kv().queryAware() ? ", query-aware" : ", query-agnostic")),
        List.of("protocol", KvProtocolSentence.of(c.section(KvStudyConfig.class).kv().protocol(), c.section(KvStudyConfig.class).kv().queryAware())),
        List.of("budgets", c.section(KvStudyConfig.class).kv().budgets().toString()),
        List.of("generation", "max_tokens " + c.generation().maxTokens() + ", temperature " + c.generation().temperature()
            + ", top_p " + c.generation().topP() + ", seed " + c.generation().seed()),
        List.of("metrics", String.join(", ", c.section(KvStudyConfig.class).scoring().metrics())),
        List.of("transition rule", "first bin whose paired exact test against budget 1.0 rejects after Holm "
            + "correction over " + KvTransitions.familyWords(c.analysis().transition().family())
            + " at family-wise α = " + c.analysis().transition().alpha()
            + ", with mean < " + c.analysis().transition().threshold() + " × baseline; bins with fewer than "
            + TransitionDetector.MIN_INFORMATIVE + " discordant / non-zero pairs are not tested")));

    EngineTable.write(md, runs.isEmpty() ? List.of() : List.of(RunEngines.of(runs.get(0))));

    md.heading(2, "Results by budget and length bin");
    TreeMap<Double, List<BinStatRow>> byBudget = new TreeMap<>();
    stats.forEach(s -> byBudget.computeIfAbsent(s.budget(), k -> new ArrayList<>()).add(s));
    for (var e : byBudget.descendingMap().entrySet()) {
      md.heading(3, "Budget " + e.getKey() + (e.getKey() >= 1.0 ? " (full cache)" : ""));
      List<List<String>> rows = new ArrayList<>();
      for (BinStatRow s : e.getValue()) {
        rows.add(List.of(s.binLabel(), String.valueOf(s.nUnits()), String.valueOf(s.nScored()),
            fmt(s.em(), s.nScored()), fmt(s.f1(), s.nScored()), fmt(s.answerLoglik(), s.nScored()),
            fmt(s.failRate(), s.nUnits()) + " (" + s.nFailed() + " failed)", String.valueOf(s.nInfraFailed()),
            ms(s.latencyP50Ms()) + " / " + ms(s.latencyP95Ms()) + " (n=" + (s.nUnits() - s.nInfraFailed()) + ")", kv(s)));
      }
      md.table(List.of("bin (tokens)", "n units", "n scored", "EM [CI]", "F1 [CI]", "answer loglik [CI]",
          "failure rate [Wilson]", "infra failures", "latency p50 / p95", "KV kept / full"), rows);
    }

    md.heading(2, "Transition summary");
    if (transitions.isEmpty()) {
      md.paragraph("No compressed budget was run, so there is nothing to compare with the full cache.");
    } else {
      md.paragraph("Rule: in each bin the items scored at both budgets are paired with budget 1.0 and tested exactly "
          + "(McNemar exact on the discordant pairs for 0/1 scores such as EM; paired sign-flip permutation test, exact "
          + "up to 20 non-zero differences, for F1 and exp(answer_loglik)). " + familySentence(c) + " A bin needs at least "
          + TransitionDetector.MIN_INFORMATIVE + " discordant / non-zero pairs to be tested (below that even a "
          + "unanimous change has p ≥ 0.0625; 4 of 4 gives 0.125), and a declared bin must also have its mean below "
          + c.analysis().transition().threshold() + " × baseline. Per-bin n, p and Holm-adjusted p are in "
          + "`transition_summary.details_json`. Variance spikes are exploratory (not a test).");
    }
    String headline = c.analysis().transition().metric();
    List<TransitionRow> ordered = new ArrayList<>(transitions);
    ordered.sort(java.util.Comparator.comparing((TransitionRow t) -> !t.metric().equals(headline))
        .thenComparing(TransitionRow::metric).thenComparing(TransitionRow::budget, java.util.Comparator.reverseOrder()));
    for (TransitionRow t : ordered) {
      String verdict = t.transitionBin() == null
          ? "no transition detected"
          : "transition at bin " + t.transitionBin() + " (" + t.transitionLabel() + " tokens)";
      boolean allMetrics = TransitionFamilies.ALL_METRICS.equals(c.analysis().transition().family());
      md.bullet("**" + t.metric() + (t.metric().equals(headline) ? " (headline)" : allMetrics ? "" : " (exploratory)")
          + ", budget " + t.budget()
          + "**: " + verdict + ". " + t.evidence() + " (baseline: " + t.baseline() + ")");
    }
    transitionTests(md, ordered.stream().filter(t -> t.metric().equals(headline)).toList());

    KvMemoryTradeoff.write(md, ctx, c);

    failureTable(md, failures, totalUnits);

    md.heading(2, "Plots");
    for (String p : List.of("plots/acc_by_bin.png", "plots/fail_by_bin.png", "plots/latency_p50_by_bin.png",
        "plots/kv_memory_by_budget.png")) {
      if (Files.isRegularFile(ctx.runDir().resolve(p))) md.image(p, p);
    }

    md.heading(2, "Effective configuration");
    md.code(yaml(c));

    Path report = ctx.runDir().resolve("report.md");
    TextFiles.writeAtomically(report, md.toString());
    writeCsv(stats);
    return "wrote " + report + " and bin_stats.csv (" + stats.size() + " cells, " + totalUnits + " units)";
  }

  /**
   * The report of a run in which no unit produced a response to score (every unit failed): the failure counts by
   * type, each with its n, and sample evidence from the {@code failures} table, which run fills as units fail.
   */
  String failuresOnly() {
    ExperimentConfig c = ctx.config();
    List<ScoreFailureTables.FailureRow> failures = new ScoreFailureTables(ctx.store()).failures();
    int totalUnits = new RequestTables(ctx.store()).units().size();
    Markdown md = new Markdown();
    md.heading(1, "kv_transition: " + c.output().expGroupId() + " (failures only)");
    md.paragraph("No unit produced a response, so there is nothing to score or analyze: " + failures.size()
        + " failure rows among " + totalUnits + " units (n=" + totalUnits + "). Fix the cause below and rerun "
        + "`harness all -c " + ctx.configPath() + "`; failed units are retried.");
    failureTable(md, failures, totalUnits);
    md.heading(2, "Effective configuration");
    md.code(yaml(c));
    Path report = ctx.runDir().resolve("report.md");
    TextFiles.writeAtomically(report, md.toString());
    return "wrote " + report + " (failures only: " + failures.size() + " failures among " + totalUnits + " units)";
  }

  private void failureTable(Markdown md, List<ScoreFailureTables.FailureRow> failures, int totalUnits) {
    md.heading(2, "Failures by type");
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, String> example = new TreeMap<>();
    for (ScoreFailureTables.FailureRow f : failures) {
      counts.merge(f.failureType(), 1, Integer::sum);
      example.putIfAbsent(f.failureType(), f.evidence());
    }
    if (counts.isEmpty()) {
      md.paragraph("No failures among " + totalUnits + " units.");
    } else {
      List<List<String>> rows = new ArrayList<>();
      counts.forEach((type, n) -> rows.add(List.of(type, n + " / " + totalUnits,
          List.of("RATE_LIMITED", "TIMEOUT", "ENGINE_ERROR").contains(type) ? "yes (excluded from accuracy)" : "no (scored)",
          truncate(example.get(type), 160))));
      md.table(List.of("type", "units (n / total)", "infrastructure", "example evidence"), rows);
      md.paragraph("Every failure row, with its evidence, is in the `failures` table of `" + ctx.store().file().getFileName() + "`.");
    }

  }

  /** What the Holm family is and what it guarantees, in the report's words. */
  private static String familySentence(ExperimentConfig c) {
    double alpha = c.analysis().transition().alpha();
    if (TransitionFamilies.ALL_METRICS.equals(c.analysis().transition().family())) {
      return "Holm's correction runs over every tested (budget, bin, metric) of this report "
          + "(`analysis.transition.family: all_metrics`), so when compression changes nothing the chance of any "
          + "transition below is at most α = " + alpha + ".";
    }
    return "The headline metric (" + c.analysis().transition().metric() + ") is the confirmatory family: Holm's "
        + "correction runs over its tested (budget, bin) pairs, so when compression changes nothing the chance of any "
        + "headline transition is at most α = " + alpha + ". Every other metric is exploratory: its own Holm family at "
        + "the same α, so its verdicts are not covered by the headline's guarantee (with k metrics, at most k·α of some "
        + "false transition anywhere); `analysis.transition.family: all_metrics` puts every test in one family.";
  }

  /** The headline metric's per-bin tests from details_json: n, informative pairs, raw and Holm-adjusted p. */
  private static void transitionTests(Markdown md, List<TransitionRow> rows) {
    List<List<String>> table = new ArrayList<>();
    for (TransitionRow t : rows) {
      try {
        for (JsonNode b : JSON.readTree(t.detailsJson()).path("bins")) {
          table.add(List.of(String.valueOf(t.budget()), b.path("binLabel").asText(), b.path("n").asText(),
              b.path("informative").asText(), b.path("test").asText(), pValue(b.path("p")), pValue(b.path("pAdjusted")),
              b.path("ratio").isNumber() ? String.format(Locale.ROOT, "%.2f", b.path("ratio").asDouble()) : "n/a",
              b.path("meetsCriterion").asBoolean() ? "declared" : b.path("rejects").asBoolean() ? "rejects, ratio ≥ threshold"
                  : b.path("p").isNull() ? "not tested" : "not rejected"));
        }
      } catch (IOException e) {
        table.add(List.of(String.valueOf(t.budget()), "details unreadable: " + e.getMessage(), "", "", "", "", "", "", ""));
      }
    }
    if (table.isEmpty()) return;
    md.paragraph("Per-bin tests of the headline metric (n = pairs compared; informative = discordant or non-zero pairs; "
        + "Holm p over the headline's family):");
    md.table(List.of("budget", "bin (tokens)", "n", "informative", "test", "p", "Holm p", "ratio", "verdict"), table);
  }

  private static String pValue(JsonNode p) {
    if (p == null || p.isNull() || p.isMissingNode() || !p.isNumber()) return "–";
    double v = p.asDouble();
    return v >= 1e-4 || v == 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.1e", v);
  }

  private void writeCsv(List<BinStatRow> stats) {
    List<List<Object>> rows = new ArrayList<>();
    for (BinStatRow s : stats) {
      rows.add(List.of(s.budget(), s.binIndex(), s.binLabel(), s.nUnits(), s.nScored(), n(s.em().mean()), n(s.em().lo()),
          n(s.em().hi()), n(s.f1().mean()), n(s.f1().lo()), n(s.f1().hi()), n(s.answerLoglik().mean()),
          n(s.answerLoglik().lo()), n(s.answerLoglik().hi()), s.nFailed(), n(s.failRate().mean()), n(s.failRate().lo()),
          n(s.failRate().hi()), s.nInfraFailed(), n(s.latencyP50Ms()), n(s.latencyP95Ms()), n(s.kvFullBytesMean()),
          n(s.kvKeptBytesMean())));
    }
    Csv.write(ctx.runDir().resolve("bin_stats.csv"), List.of("budget", "bin_index", "bin_label", "n_units", "n_scored",
        "em_mean", "em_lo", "em_hi", "f1_mean", "f1_lo", "f1_hi", "answer_loglik_mean", "answer_loglik_lo",
        "answer_loglik_hi", "n_failed", "fail_rate", "fail_lo", "fail_hi", "n_infra_failed", "latency_p50_ms",
        "latency_p95_ms", "kv_full_bytes_mean", "kv_kept_bytes_mean"), rows);
  }

  private static Object n(Double d) { return d == null ? "" : d; }

  /** A stored mean and interval as the report prints every figure: "0.512 [0.430, 0.601] (n=20)". */
  static String fmt(Ci ci, int n) {
    double nan = Double.NaN;
    return (ci.mean() == null ? new Interval(nan, nan, nan, n, nan) : new Interval(ci.mean(), ci.lo(), ci.hi(), n, nan))
        .format(3);
  }

  private static String ms(Double v) { return v == null ? "–" : String.format(Locale.ROOT, "%.0f ms", v); }

  private static String kv(BinStatRow s) {
    if (s.kvKeptBytesMean() == null || s.kvFullBytesMean() == null) return "not reported";
    return String.format(Locale.ROOT, "%.2f / %.2f MiB (%.0f%%)", s.kvKeptBytesMean() / 1048576.0,
        s.kvFullBytesMean() / 1048576.0, 100.0 * s.kvKeptBytesMean() / s.kvFullBytesMean());
  }

  private static String pct(double level) { return String.format(Locale.ROOT, "%.0f%%", level * 100); }

  private static String truncate(String s, int max) {
    if (s == null) return "";
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max) + "…";
  }

  /** The kv study's own configuration, in the keys a user writes. */
  private static String yaml(ExperimentConfig c) { return dev.harness.config.ConfigSnapshot.yaml(c); }

}
