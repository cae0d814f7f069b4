package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.cli.Main;
import dev.harness.stats.Interval;
import dev.harness.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kl study end to end on the local engine: tiny-llama-gqa against itself (two variants, independent seeds), mc
 * with teacher forcing. One {@code all} run is shared by the ordered tests (artifacts, counts, numbers recomputed from
 * the store, {@code harness kl} on the dumps, skip on a second {@code all}, resume after losing units).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KlStudyLocalTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final Path RANDOM_LLAMA = Path.of("../shared/models/tiny-random-llama");
  static final int PROMPTS = 3, SAMPLES = 2;
  @TempDir static Path dir;
  static Path cfg, runDir;
  static String firstErr;

  static int run(StringWriter out, StringWriter err, String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  static Path writeConfig(Path dir, String id, String modelB, String estimator, int prompts, int samples)
      throws Exception {
    Path prompts_ = dir.resolve("prompts_" + id + ".jsonl");
    StringBuilder sb = new StringBuilder();
    String[] texts = {"Tell me a story about a cat.", "What is the capital of France?", "Write a haiku about rain.",
        "Explain recursion briefly.", "List three colours."};
    for (int i = 0; i < texts.length; i++) sb.append("{\"id\": \"q").append(i).append("\", \"text\": \"")
        .append(texts[i]).append("\"}\n");
    Files.writeString(prompts_, sb.toString());
    Path c = dir.resolve(id + ".yaml");
    Files.writeString(c, """
        study: kl
        output: {exp_group_id: %s, root: %s}
        engines:
          - {name: a, kind: local, model: %s, endpoint: completions, concurrency: 1}
          - {name: b, kind: local, model: %s, endpoint: completions, concurrency: 1}
        prompts: {source: %s, field: text, id_field: id, limit: %d}
        generation: {max_tokens: 6, temperature: 1.0, top_p: 1.0, seed: 3, max_prompt_tokens: 32}
        kl: {samples: %d, estimator: %s, top_logprobs: 5, top_n: 2}
        analysis: {bootstrap_iters: 200, seed: 11}
        """.formatted(id, dir.resolve("runs"), GQA, modelB, prompts_, prompts, samples, estimator));
    return c;
  }

  @BeforeAll
  static void runAll() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    cfg = writeConfig(dir, "same", GQA.toString(), "mc", PROMPTS, SAMPLES);
    runDir = dir.resolve("runs/same");
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    firstErr = err.toString();
  }

  @Test
  @Order(1)
  void everyArtifactAndRowCount() throws Exception {
    for (String f : List.of("report.md", "kl_ranking.csv", "plots/kl_hist.png", "plots/kl_top.png", "dumps/a.jsonl",
        "dumps/b.jsonl", "kl.sqlite")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)) && Files.size(runDir.resolve(f)) > 0, f);
    }
    assertEquals(PROMPTS * SAMPLES, Files.readAllLines(runDir.resolve("dumps/a.jsonl")).size());
    assertEquals(PROMPTS * SAMPLES, Files.readAllLines(runDir.resolve("dumps/b.jsonl")).size());
    assertTrue(Files.readString(runDir.resolve("dumps/a.jsonl")).contains("\"cross\":{\"model\""), "teacher-forced");
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      assertEquals(PROMPTS, t.count("prompts"));
      assertEquals(List.of("q0", "q1", "q2"), t.prompts().stream().map(KlTables.PromptRow::promptId).toList());
      assertEquals(2 * PROMPTS * SAMPLES, t.count("samples"));
      assertTrue(t.samples().stream().allMatch(KlTables.SampleRow::ok));
      long tokens = t.samples().stream().mapToLong(KlTables.SampleRow::completionTokens).sum();
      assertEquals(2 * tokens, t.count("token_logprobs"), "own + teacher-forced row per sampled token");
      assertEquals(2 * PROMPTS * SAMPLES, t.count("cross_scores"));
      assertEquals(PROMPTS, t.count("divergences"));
      assertEquals(2, t.count("runs"));
      // a unit's seed is its own: same prompt and index, other variant, other seed
      KlTables.SampleRow a0 = t.samples().stream().filter(x -> x.variant().equals("a")).findFirst().orElseThrow();
      KlTables.SampleRow b0 = t.samples().stream().filter(x -> x.variant().equals("b")
          && x.promptId().equals(a0.promptId()) && x.sampleIndex() == a0.sampleIndex()).findFirst().orElseThrow();
      assertFalse(a0.seed() == b0.seed());
      assertEquals(KlUnits.seed(3, "a", a0.promptId(), a0.sampleIndex()), a0.seed());
    }
  }

  @Test
  @Order(2)
  void identicalModelsGiveZeroAndTheReportIsRecomputableFromTheStore() throws Exception {
    String report = Files.readString(runDir.resolve("report.md"));
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      List<KlTables.DivergenceRow> rows = t.divergences();
      for (KlTables.DivergenceRow r : rows) {
        assertTrue(Math.abs(r.value()) < 1e-6, "same model, teacher-forced: " + r);
        assertTrue(r.ciLow() <= r.value() && r.value() <= r.ciHigh(), r.toString());
        assertEquals(SAMPLES, r.nSamples());
      }
      KlTables.SummaryRow sum = t.summary().orElseThrow();
      double mean = rows.stream().mapToDouble(KlTables.DivergenceRow::value).average().orElseThrow();
      assertEquals(mean, sum.mean(), 1e-15);
      assertEquals(PROMPTS, sum.nFinite());
      Interval ci = new Interval(sum.mean(), sum.meanLo(), sum.meanHi(), sum.nFinite(), sum.ciLevel());
      assertTrue(report.contains(ci.format(4)), "summary line: " + ci.format(4));
      assertTrue(report.contains("| max | " + KlOutputs.num(sum.max()) + " (n=" + PROMPTS + ") |"), report);
      // the CSV is the store's rows through the tool's writer
      StringWriter csv = new StringWriter();
      KlOutputs.writeCsv(rows.stream().map(KlScore::divergence).toList(), csv);
      assertEquals(csv.toString(), Files.readString(runDir.resolve("kl_ranking.csv")));
      // the top prompt's first sample of each variant (short texts: shown whole)
      for (KlTables.SampleRow x : t.samples()) {
        if (x.promptId().equals(rows.get(0).promptId()) && x.sampleIndex() == 0) {
          assertTrue(report.contains(KlOutputs.excerpt(x.text(), KlOutputs.EXCERPT_LINES, KlOutputs.EXCERPT_CHARS)), x.unitKey());
        }
      }
      // mc: coverage and the TVD bracket are undefined: n/a with the reason, never nan; the length is bounded by top_n
      assertFalse(java.util.regex.Pattern.compile("(?i)\\bnan\\b").matcher(report).find(), report);
      assertTrue(report.contains("coverage, TVD bracket: " + NaNotes.TOPK_UNDEFINED), report);
      int topN = 2;
      // the effective-configuration block (the study's own config, issue 15) is the same length whatever n is: leave it out
      String body = report;
      int cfgAt = report.indexOf("## Effective configuration");
      if (cfgAt >= 0) {
        int open = report.indexOf("```", cfgAt);
        int close = report.indexOf("```", open + 3);
        body = report.substring(0, cfgAt) + report.substring(close + 3);
      }
      long lines = body.lines().count();
      assertTrue(lines <= 80 + topN * (KlOutputs.PROMPT_LINES + 2 * KlOutputs.EXCERPT_LINES + 20), lines + " lines");
    }
  }

  @Test
  @Order(3)
  void harnessKlOnTheStudysDumpsGivesTheStudysNumbers() throws Exception {
    Path out = dir.resolve("kl_tool");
    StringWriter err = new StringWriter();
    int code = run(new StringWriter(), err, "kl", "--a", runDir.resolve("dumps/a.jsonl").toString(), "--b",
        runDir.resolve("dumps/b.jsonl").toString(), "--estimator", "mc", "--seed", "11", "--bootstrap-iters", "200",
        "--out", out.toString());
    assertEquals(0, code, err.toString());
    assertEquals(Files.readString(runDir.resolve("kl_ranking.csv")), Files.readString(out.resolve("kl_ranking.csv")));
  }

  /**
   * Issue #13 §4: before, the default estimator of {@code harness kl} was topk_rest, which on these dumps (the local
   * engine's cross scores carry no top-k) printed 0 [0, 0] for every prompt. The default (auto) now picks mc because
   * the dumps carry teacher-forced cross scores, and gives the study's own ranking; no value is a bare 0.
   */
  @Test
  @Order(3)
  void harnessKlWithTheDefaultEstimatorOnTheStudysDumpsIsMcNotZero() throws Exception {
    Path out = dir.resolve("kl_default");
    StringWriter stdout = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(stdout, err, "kl", "--a", runDir.resolve("dumps/a.jsonl").toString(), "--b",
        runDir.resolve("dumps/b.jsonl").toString(), "--seed", "11", "--bootstrap-iters", "200", "--out", out.toString());
    assertEquals(0, code, err.toString());
    assertTrue(stdout.toString().contains("estimator: mc (auto"), stdout.toString());
    String csv = Files.readString(out.resolve("kl_ranking.csv"));
    assertEquals(Files.readString(runDir.resolve("kl_ranking.csv")), csv);
    for (String line : csv.lines().skip(1).toList()) {
      String[] f = line.split(",");
      assertTrue(!f[3].equals("0") && !f[3].equals("0.0") && !(f[4].equals(f[5]) && Double.parseDouble(f[3]) == 0),
          "a bare zero: " + line);
    }
  }

  @Test
  @Order(4)
  void secondAllSkipsEveryPhase() {
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    for (String p : List.of("prepare", "run", "score", "analyze", "report")) {
      assertTrue(err.toString().contains("[" + p + "] skipped"), p + ": " + err);
    }
    assertFalse(err.toString().contains("started"), err.toString());
  }

  @Test
  @Order(5)
  void resumeSendsOnlyTheMissingUnits() throws Exception {
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      s.transaction(c -> {
        try (Statement st = c.createStatement()) {
          // a crash after some units: two samples of b and one teacher-forced scoring of a's never made it
          st.executeUpdate("DELETE FROM samples WHERE variant = 'b' AND prompt_id = 'q1'");
          st.executeUpdate("DELETE FROM cross_scores WHERE unit_key LIKE 'kl|a|q0|s=1|id=%'");
        }
      });
    }
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    String log = err.toString();
    assertTrue(log.contains("[prepare] skipped"), log);
    // 2 samples of b; then 2 + 1 scorings: b's two new samples under a, a's q0/s=1 under b
    assertTrue(log.contains("2 samples sent (2 ok, 0 failed, 0 without log-probs); 3 samples scored"), log);
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      assertEquals(2 * PROMPTS * SAMPLES, t.count("samples"));
      assertEquals(2 * PROMPTS * SAMPLES, t.count("cross_scores"));
    }
  }

  @Test
  @Order(6)
  void differentTokenizersAreRefusedWithTheTextLevelAlternative() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(RANDOM_LLAMA), "SKIPPED: tiny-random-llama is absent");
    Path c = writeConfig(dir, "vocab", RANDOM_LLAMA.toString(), "mc", 1, 1);
    StringWriter err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, "all", "-c", c.toString()), err.toString());
    String e = err.toString();
    assertTrue(e.contains("kl.estimator: 'mc' is a token-level estimator"), e);
    assertTrue(e.contains("different tokenizers") && e.contains("text level"), e);
    assertTrue(e.contains("set kl.estimator: text_mc"), "names the text-level estimator: " + e);
    try (Store s = Store.open(dir.resolve("runs/vocab/kl.sqlite"), KlSchema.CHAIN)) {
      assertEquals(0, new KlTables(s).count("cross_scores"), "refused before any teacher forcing");
    }
  }

  @Test
  @Order(7)
  void topkRestTeacherForcesTheTopkOnLocalVariants() throws Exception {
    Path c = writeConfig(dir, "rest", GQA.toString(), "topk_rest", 2, 2);
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", c.toString()), err.toString());
    Path rd = dir.resolve("runs/rest");
    String dump = Files.readString(rd.resolve("dumps/a.jsonl"));
    com.fasterxml.jackson.databind.JsonNode line = KlResponses.parse(dump.lines().findFirst().orElseThrow());
    com.fasterxml.jackson.databind.JsonNode crossTop = line.path("cross").path("response").path("choices").path(0)
        .path("logprobs").path("content").path(0).path("top_logprobs");
    assertEquals(5, crossTop.size(), "the scorer's top-5 at the sample's first position: " + line);
    try (Store s = Store.open(rd.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      List<KlTables.DivergenceRow> rows = new KlTables(s).divergences();
      assertEquals(2, rows.size());
      for (KlTables.DivergenceRow r : rows) {
        // the same model's top-5 on the same prefix: the coarsened KL is ~0, both top-k lists cover the same mass
        assertTrue(r.value() >= 0 && r.value() < 1e-6, r.toString());
        assertTrue(r.meanCoverage() > 0 && r.meanCoverage() <= 1 + 1e-9, r.toString());
        assertTrue(r.tvdLow() < 1e-4, r.toString());
        assertFalse(r.flags().contains("POSITIONAL_ALIGNMENT"), r.flags());
      }
    }
  }
}
