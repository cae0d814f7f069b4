package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `all` on the local engine with SnapKV at budgets 1.0 / 0.5 / 0.2 and answer_loglik: memory figures and artifacts. */
class KvLocalEndToEndTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  @TempDir Path dir;

  @Test
  void compressesAndMeasuresMemoryAtEveryBudget() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    Path cfg = dir.resolve("local.yaml");
    Files.writeString(cfg, """
        study: kv_transition
        output: {exp_group_id: local_kv, root: %s}
        engine: {kind: local, model: %s, endpoint: completions, concurrency: 1}
        dataset: {name: story_local, task: narrativeqa, source: data/fixtures/story_qa.jsonl}
        bins: {count: 2}
        sampling: {strategy: pinned, ids: [story_qa_01, story_qa_04, story_qa_07, story_qa_10]}
        kv: {policy: snapkv, budgets: [1.0, 0.5, 0.2], params: {window: 16, kernel: 5, pooling: avgpool}}
        generation: {max_tokens: 6}
        scoring: {metrics: [f1, answer_loglik]}
        analysis: {bootstrap_iters: 300, transition: {metric: answer_loglik}}
        """.formatted(dir.resolve("runs"), GQA));
    StringWriter err = new StringWriter();
    assertEquals(0, KvTransitionEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());

    Path runDir = dir.resolve("runs/local_kv");
    for (String f : List.of("report.md", "bin_stats.csv", "plots/acc_by_bin.png", "plots/fail_by_bin.png",
        "plots/latency_p50_by_bin.png", "plots/kv_memory_by_budget.png")) {
      assertTrue(Files.size(runDir.resolve(f)) > 0, f);
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("## Accuracy against memory saved"), report);
    assertTrue(report.contains("| protocol | kvpress: the context was compressed with the question taking part in the scoring"), report);

    try (Store s = Store.open(runDir.resolve("kv_transition.sqlite"), KvSchema.CHAIN)) {
      List<RequestTables.UnitResult> units = new RequestTables(s).units();
      assertEquals(12, units.size());
      assertTrue(units.stream().allMatch(u -> u.response().ok()), "every unit answered");
      // kept bytes at budget b are within one position per head of b x full (or the context was kept whole, and
      // the request says why)
      for (RequestTables.UnitResult u : units) {
        long full = u.telemetry().kvFullBytes();
        long kept = u.telemetry().kvKeptBytes();
        assertTrue(kept <= full, u.unitKey());
        // kvpress (the default protocol): the budget is a fraction of the context, the prompt less its question
        var extra = new com.fasterxml.jackson.databind.ObjectMapper().readTree(u.telemetry().extraJson());
        int length = extra.path("kv_context_length").asInt();
        assertEquals(u.requestPromptTokens(), length + extra.path("kv_question_tokens").asInt(), u.unitKey());
        assertTrue(extra.path("kv_question_tokens").asInt() > 20, u.unitKey() + ": the question is not compressed");
        assertEquals("kvpress", extra.path("kv_protocol").asText());
        // tiny-llama-gqa: 3 layers x 2 (K and V) x 2 kv heads x head_dim 8 x 4 bytes per position
        long perPosition = 3L * 2 * 2 * 8 * 4;
        assertEquals(length * perPosition, full, u.unitKey() + ": full bytes are the context's");
        int nKept = (int) Math.ceil(u.budget() * length - 1e-9);
        boolean keptWhole = u.telemetry().extraJson() != null && u.telemetry().extraJson().contains("kv_note");
        if (!keptWhole) assertEquals(nKept * perPosition, kept, u.unitKey() + " " + u.telemetry().extraJson());
      }
      // monotone memory: within each bin, less budget never keeps more bytes
      Map<Integer, List<KvAnalysisTables.BinStatRow>> byBin = new KvAnalysisTables(s).binStats().stream()
          .collect(Collectors.groupingBy(KvAnalysisTables.BinStatRow::binIndex));
      for (var rows : byBin.values()) {
        rows.sort((a, b) -> Double.compare(b.budget(), a.budget()));
        for (int i = 1; i < rows.size(); i++) {
          assertTrue(rows.get(i).kvKeptBytesMean() <= rows.get(i - 1).kvKeptBytesMean(), rows.toString());
        }
        assertEquals(rows.get(0).kvFullBytesMean(), rows.get(0).kvKeptBytesMean(), 1e-9, "budget 1.0 keeps all");
        assertTrue(rows.stream().allMatch(r -> r.answerLoglik().mean() != null && r.answerLoglik().mean() < 0));
      }
      long ll = new ScoreFailureTables(s).scores().stream().filter(x -> x.metric().equals("answer_loglik")).count();
      assertEquals(12, ll);
      // transitions recorded for both metrics at both compressed budgets
      assertEquals(4, new KvAnalysisTables(s).transitions().size());
    }
  }
}
