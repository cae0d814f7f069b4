package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped config/experiments/kl_adapter.yaml (tiny-llama-gqa against itself plus its LoRA adapter, WildChat
 * prompts), shrunk with --set to keep the test short: every artifact, and an adapter that moves the model gives a
 * divergence well above the same-model floor (~1e-10, see {@link KlStudyLocalTest}).
 */
class KlAdapterEndToEndTest {
  static final Path CONFIG = Path.of("config/experiments/kl_adapter.yaml");
  @TempDir Path dir;

  @Test
  void baseAgainstBasePlusAdapterProducesEveryArtifact() throws Exception {
    for (Path p : List.of(KlStudyLocalTest.GQA, Path.of("../shared/models/tiny-llama-gqa-lora"),
        Path.of("../shared/data/wildchat/wildchat_users.json"))) {
      Assumptions.assumeTrue(Files.exists(p), "SKIPPED: " + p.toAbsolutePath() + " is absent");
    }
    StringWriter err = new StringWriter();
    int code = KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", CONFIG.toString(), "--set",
        "output.root=" + dir, "--set", "prompts.n=3", "--set", "kl.samples=2", "--set", "generation.max_tokens=6",
        "--set", "generation.max_prompt_tokens=48", "--set", "analysis.bootstrap_iters=200");
    assertEquals(0, code, err.toString());
    Path runDir = dir.resolve("kl_adapter");
    for (String f : List.of("report.md", "kl_ranking.csv", "plots/kl_hist.png", "plots/kl_top.png",
        "dumps/base.jsonl", "dumps/lora.jsonl", "kl.sqlite")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)) && Files.size(runDir.resolve(f)) > 0, f);
    }
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      assertEquals(3, t.count("prompts"));
      assertEquals(12, t.count("samples"));
      assertEquals(12, t.count("cross_scores"));
      List<KlTables.DivergenceRow> rows = t.divergences();
      assertEquals(3, rows.size());
      for (KlTables.DivergenceRow r : rows) {
        assertTrue(r.value() > 1e-3, "the adapter moves the model: " + r);
        assertTrue(r.ciLow() <= r.value() && r.value() <= r.ciHigh(), r.toString());
      }
      assertTrue(t.samples().stream().allMatch(KlTables.SampleRow::ok));
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("+ adapter `../shared/models/tiny-llama-gqa-lora`"), report);
  }
}
