package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServerOptions;
import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An openai variant (completions echo + logprobs, here the harness's own server over the tiny model) scores the same
 * log-likelihoods as the in-process local variant of the same model, so the two compare as equal.
 */
class McServedEngineTest {
  static final Path GQA = McEvalEndToEndTest.GQA;
  @TempDir Path dir;

  @Test
  void servedVariantMatchesTheLocalOne() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA) && Files.isRegularFile(McEvalEndToEndTest.ARC)
        && Files.isRegularFile(McEvalEndToEndTest.TQA), "SKIPPED: ../shared models or data are absent");
    try (LocalEngine local = LocalEngine.open(GQA, LocalOptions.cpu());
        OpenAiServer server = new OpenAiServer(local, "gqa", local.tokenizer(), ServerOptions.ephemeral()).start()) {
      Path cfg = dir.resolve("served.yaml");
      Files.writeString(cfg, """
          study: mc_eval
          output: {exp_group_id: served, root: %s}
          engines:
            - {name: base, kind: local, model: %s}
            - {name: served, kind: openai, model: gqa, base_url: '%s', endpoint: completions, tokenizer: %s, max_retries: 0}
          tasks: [arc_easy, truthfulqa_mc2]
          limit: 2
          mc:
            sources: {arc_easy: %s, truthfulqa_mc2: %s}
          analysis: {bootstrap_iters: 200}
          """.formatted(dir.resolve("runs"), GQA, server.baseUrl(), GQA, McEvalEndToEndTest.ARC, McEvalEndToEndTest.TQA));
      StringWriter err = new StringWriter();
      assertEquals(0, McEvalEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    }
    try (Store s = Store.open(dir.resolve("runs/served/mc_eval.sqlite"), McSchema.CHAIN)) {
      McTables t = new McTables(s);
      int n = 0;
      for (String task : List.of("arc_easy", "truthfulqa_mc2")) {
        List<McTables.ResultRow> a = t.results("base", task);
        List<McTables.ResultRow> b = t.results("served", task);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
          assertEquals(a.get(i).nTokens(), b.get(i).nTokens(), a.get(i).unitKey());
          assertEquals(a.get(i).loglik(), b.get(i).loglik(), 1e-4, a.get(i).unitKey());
          n++;
        }
      }
      assertTrue(n >= 8, "compared " + n);
      for (McTables.ComparisonRow r : t.comparisons()) assertEquals(0.0, r.delta(), 1e-6, r.toString());
    }
  }
}
