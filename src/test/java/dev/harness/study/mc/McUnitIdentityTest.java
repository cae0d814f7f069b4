package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.StudyRegistry;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mc_eval run identity on the local tiny model (two variants, arc_easy, 2 documents): setting an adapter on one variant
 * re-scores exactly that variant's choices with the adapter (its log-likelihoods move), leaves the other alone, keeps
 * the old rows, and the metrics count only current units; nothing changed scores nothing; {@code --force run}
 * re-scores every current unit; {@code status} counts from the store.
 */
class McUnitIdentityTest {
  @TempDir Path dir;

  String all(Path cfg, String... extra) {
    List<String> args = new ArrayList<>(List.of("all", "-c", cfg.toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    assertEquals(0, McEvalEndToEndTest.run(new StringWriter(), err, args.toArray(String[]::new)), err.toString());
    return err.toString();
  }

  @Test
  void adapterChangeRescoresOnlyThatVariant() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(McEvalEndToEndTest.GQA) && Files.isRegularFile(McEvalEndToEndTest.ARC)
        && Files.isDirectory(McEvalEndToEndTest.LORA), "SKIPPED: ../shared models or data are absent");
    Path cfg = dir.resolve("mc.yaml");
    Files.writeString(cfg, """
        study: mc_eval
        output: {exp_group_id: ident, root: %s}
        engines:
          - {name: base, kind: local, model: %s}
          - {name: other, kind: local, model: %s}
        tasks: [arc_easy]
        limit: 2
        mc:
          sources: {arc_easy: %s}
        analysis: {bootstrap_iters: 100}
        """.formatted(dir.resolve("runs"), McEvalEndToEndTest.GQA, McEvalEndToEndTest.GQA, McEvalEndToEndTest.ARC));
    Path db = dir.resolve("runs/ident/mc_eval.sqlite");
    all(cfg);
    int n;
    List<Double> before;
    try (Store s = Store.open(db, McSchema.CHAIN)) {
      McTables t = new McTables(s);
      n = t.results("other", "arc_easy").size();
      before = t.results("other", "arc_easy").stream().map(McTables.ResultRow::loglik).toList();
    }
    assertTrue(n >= 4, "choices of 2 documents: " + n);
    assertTrue(all(cfg).contains("[run] skipped"), "nothing changed: nothing scored");

    String set = "engines[1].adapter=" + McEvalEndToEndTest.LORA;
    String log = all(cfg, "--set", set);
    assertTrue(log.contains(n + " requests scored (base: all done; other: " + n + " choices scored)"), log);
    try (Store s = Store.open(db, McSchema.CHAIN)) {
      McTables t = new McTables(s);
      assertEquals(n, t.results("base", "arc_easy").size(), "base untouched");
      assertEquals(2 * n, t.results("other", "arc_easy").size(), "old rows kept");
      var c = StudyRegistry.loadConfig(cfg, List.of(set), dev.harness.config.Env.system());
      List<McTables.ResultRow> current = McVariants.currentResults(c, t, c.variants().get(1), "arc_easy");
      assertEquals(n, current.size());
      double moved = 0; // results come in (doc, choice, seed) order, as before
      for (int i = 0; i < n; i++) moved = Math.max(moved, Math.abs(current.get(i).loglik() - before.get(i)));
      assertTrue(moved > 1e-3, "the adapter's scores are the ones used: max |Δ| " + moved);
      for (McTables.ItemMetricRow m : t.itemMetrics()) assertTrue(m.docId() < 2, m.toString());
      assertEquals(2 * 2 * 2, t.itemMetrics().stream().filter(m -> m.metric().startsWith("acc")).count(),
          "2 variants x 2 documents x (acc, acc_norm): current units only");
    }
    String report = Files.readString(dir.resolve("runs/ident/report.md"));
    assertTrue(report.contains(2 * n + " units of the current configuration (" + 2 * n + " with stored rows); " + n
        + " stored rows from other configurations are kept and not used"), report);

    log = all(cfg, "--set", set, "--force", "run");
    assertTrue(log.contains(2 * n + " requests scored"), "--force run re-scores every current unit: " + log);
    try (Store s = Store.open(db, McSchema.CHAIN)) {
      assertEquals(3 * n, new McTables(s).results("base", "arc_easy").size() + new McTables(s).results("other",
          "arc_easy").size(), "same identity: replaced, not added");
    }
  }
}
