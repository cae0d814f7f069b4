package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The research loop through the CLI: prepare (writes the training split) → finetune (objective tvd, a few steps) →
 * all with the base model, base + that adapter, and the NF4 base (one study, three variants). No threshold is asserted for a tiny random model: the files, the
 * held-out comparison with intervals, and numbers recomputable from the stored distributions.
 */
class ControlAdapterLoopTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void adapterTrainedOnTheTrainingPairsIsReportedNextToTheBase() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    Path runs = dir.resolve("runs");
    Path adapter = dir.resolve("adapters/tvd_control");
    Path study = dir.resolve("oc.yaml");
    Files.writeString(study, """
        study: output_control
        output: {exp_group_id: loop, root: %s}
        engines:
          - {name: base, kind: local, model: %s}
          - {name: tvd_adapter, kind: local, model: %s, adapter: %s}
          - {name: base_nf4, kind: local, model: %s, quantization: nf4}
        grid: {cases: [given_words, random_words], ps: [30, 70], rs: [20], n_pairs: 4, n_seeds: 2, variants: [plain],
               train_pairs: 2}
        control: {prompt_format: chat}
        analysis: {bootstrap_iters: 300}
        """.formatted(runs, GQA, GQA, adapter, GQA));
    Path trainFile = runs.resolve("loop/control_train.jsonl");
    Path finetune = dir.resolve("ft.yaml");
    Files.writeString(finetune, """
        model: %s
        output: {dir: %s}
        lora: {r: 4, alpha: 8, dropout: 0.0, target_modules: [q_proj, v_proj]}
        train: {objective: tvd, lr: 0.001, max_steps: 2, batch_size: 1, seed: 1, eval_split: 0.0}
        data: {source: %s}
        """.formatted(GQA, adapter, trainFile));

    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "prepare", "-c", study.toString()), err.toString());
    assertEquals(4, Files.readAllLines(trainFile).size(), "2 training pairs × 2 p × 1 r × 1 variant");
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "finetune", "-c", finetune.toString()), err.toString());
    assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")), err.toString());
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "all", "-c", study.toString()), err.toString());

    Path runDir = runs.resolve("loop");
    for (String f : List.of("report.md", "output_control_results_base.json", "output_control_results_tvd_adapter.json",
        "output_control_combined_results.json", "output_control_results.csv", "output_control_simple_metrics.csv",
        "plots/calibration.png", "plots/tvd_by_case.png")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)), f);
    }
    Map<String, double[]> recomputed = new HashMap<>();
    try (Store s = Store.open(runDir.resolve("output_control.sqlite"), ControlSchema.CHAIN)) {
      ControlTables t = new ControlTables(s);
      Map<String, ControlTables.ItemRow> items = new HashMap<>();
      t.items().forEach(r -> items.put(r.itemId(), r));
      Map<String, String> base = new HashMap<>();
      int differ = 0;
      List<ControlTables.ResponseRow> responses = t.responses();
      assertEquals(36, responses.size(), "3 variants × (4 pairs + 2 seeds) × 2 p × 1 r held-out items");
      for (ControlTables.ResponseRow r : responses) {
        assertTrue(r.ok(), r.unitKey());
        recomputed.put(r.engineVariant() + "|" + r.itemId(), ControlEndToEndTest.referenceTvd(
            JSON.readTree(r.distributionJson()), items.get(r.itemId())));
        if (r.engineVariant().equals("base")) base.put(r.itemId(), r.distributionJson());
      }
      for (ControlTables.ResponseRow r : responses) {
        if (r.engineVariant().equals("tvd_adapter") && !r.distributionJson().equals(base.get(r.itemId()))) differ++;
      }
      assertTrue(differ > 0, "the trained adapter changes the distributions");
      assertEquals(2, t.comparisons().stream().filter(c -> c.caseName().equals("all")).count(), "adapter and NF4 vs base");
      ControlTables.ComparisonRow all = t.comparisons().stream().filter(c -> c.caseName().equals("all")).findFirst().orElseThrow();
      assertEquals("tvd_adapter", all.engineVariant());
      assertEquals(12, all.n());
      assertTrue(all.tvdDiffLo() <= all.tvdDiff() && all.tvdDiff() <= all.tvdDiffHi());
      // the comparison follows from the per-item scores
      double diff = 0;
      for (String id : base.keySet()) diff += recomputed.get("tvd_adapter|" + id)[0] - recomputed.get("base|" + id)[0];
      assertEquals(diff / 12, all.tvdDiff(), 1e-9);
      // training words never appear in a held-out pair
      for (ControlTables.WordRow w : t.words()) {
        if (!w.role().equals("train")) continue;
        assertTrue(items.values().stream().filter(i -> i.split().equals("eval")).noneMatch(
            i -> w.word().equals(i.word1()) || w.word().equals(i.word2())), w.word());
      }
    }
    List<String> lines = Files.readAllLines(runDir.resolve("output_control_results.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    assertEquals(37, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      double[] exp = recomputed.get(f[0] + "|" + f[header.indexOf("item_id")]);
      assertEquals(exp[0], Double.parseDouble(f[header.indexOf("tvd")]), 1e-9, line);
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("## Against base"), report);
    assertTrue(report.contains("| tvd_adapter | all | all |") && report.contains("| base_nf4 | all | all |"), report);
    assertTrue(Files.isRegularFile(runDir.resolve("output_control_results_base_nf4.json")));
    JsonNode combined = JSON.readTree(runDir.resolve("output_control_combined_results.json").toFile());
    assertEquals("base", combined.path("comparisons").get(0).path("baseline").asText());
  }
}
