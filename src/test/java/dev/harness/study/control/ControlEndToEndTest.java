package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.Main;
import dev.harness.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `all` on tiny-llama-gqa (1000-token vocabulary: the word filter relaxes to "leading space"): every file, 200 items
 * per variant, numbers recomputed here from the stored distributions by an independent implementation of the
 * reference formula, a rerun that skips everything, and the training file.
 */
class ControlEndToEndTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static int run(StringWriter out, StringWriter err, String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void allWritesEveryFileWithNumbersRecomputableFromTheStore() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    Path cfg = dir.resolve("oc.yaml");
    Files.writeString(cfg, """
        study: output_control
        output: {exp_group_id: oc, root: %s}
        engines:
          - {name: base, kind: local, model: %s}
          - {name: again, kind: local, model: %s}
        grid: {cases: [given_words, random_words], variants: [plain], train_pairs: 2}
        control: {prompt_format: chat}
        analysis: {bootstrap_iters: 300}
        """.formatted(dir.resolve("runs"), GQA, GQA));
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains("relaxed to one token with a leading space"), err.toString());

    Path runDir = dir.resolve("runs/oc");
    for (String f : List.of("report.md", "output_control_results_base.json", "output_control_results_again.json", "output_control_combined_results.json",
        "output_control_results.csv", "output_control_simple_metrics.csv", "plots/calibration.png",
        "plots/tvd_by_case.png", "control_train.jsonl")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)) && Files.size(runDir.resolve(f)) > 0, f);
    }

    Map<String, double[]> recomputed = new HashMap<>(); // item → {tvd, pass}
    Set<String> evalWords = new HashSet<>();
    try (Store s = Store.open(runDir.resolve("output_control.sqlite"), ControlSchema.CHAIN)) {
      ControlTables t = new ControlTables(s);
      Map<String, ControlTables.ItemRow> items = new HashMap<>();
      for (ControlTables.ItemRow r : t.items()) items.put(r.itemId(), r);
      long eval = items.values().stream().filter(r -> r.split().equals("eval") && r.variant().equals("plain")).count();
      assertEquals(200, eval, "200 items per variant");
      assertEquals(100, items.values().stream().filter(r -> r.split().equals("eval") && r.caseName().equals("given_words")).count());
      List<ControlTables.ResponseRow> responses = t.responses();
      assertEquals(400, responses.size(), "two engine variants × 200 items");
      Map<String, String> firstVariant = new HashMap<>();
      for (ControlTables.ResponseRow r : responses) {
        if (r.engineVariant().equals("base")) firstVariant.put(r.itemId(), r.distributionJson());
      }
      for (ControlTables.ResponseRow r : responses) {
        if (r.engineVariant().equals("again")) {
          assertEquals(firstVariant.get(r.itemId()), r.distributionJson(), "same model, same distribution: " + r.itemId());
          continue;
        }
        assertTrue(r.ok(), r.unitKey());
        assertTrue(r.fullVocabulary(), "local engine: the full vocabulary");
        ControlTables.ItemRow it = items.get(r.itemId());
        recomputed.put(r.itemId(), referenceTvd(JSON.readTree(r.distributionJson()), it));
        if (it.word1() != null) {
          evalWords.add(it.word1());
          evalWords.add(it.word2());
        }
      }
      assertEquals("leading_space", t.words().get(0).filterLevel());
      // the second variant against the first: identical outcomes → no discordant pair, p = 1, ΔTVD exactly 0
      ControlTables.ComparisonRow all = t.comparisons().stream().filter(r -> r.caseName().equals("all")).findFirst().orElseThrow();
      assertEquals("again", all.engineVariant());
      assertEquals("base", all.baseline());
      assertEquals(200, all.n());
      assertEquals(0, all.onlyBaseline() + all.onlyVariant());
      assertEquals(1.0, all.mcnemarP());
      assertEquals(0.0, all.tvdDiff());
      assertEquals(0.0, all.tvdDiffLo());
      assertEquals(0.0, all.tvdDiffHi());
      assertEquals(3, t.comparisons().size(), "all + given_words/plain + random_words/plain");
    }

    // the per-item CSV equals the recomputation
    List<String> lines = Files.readAllLines(runDir.resolve("output_control_results.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    assertEquals(401, lines.size());
    int passes = 0;
    double tvdSum = 0;
    lines = lines.stream().filter(l -> !l.startsWith("again,")).toList();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      double[] exp = recomputed.get(f[header.indexOf("item_id")]);
      assertEquals(exp[0], Double.parseDouble(f[header.indexOf("tvd")]), 1e-9, line);
      assertEquals((int) exp[1], Integer.parseInt(f[header.indexOf("pass")]), line);
      passes += (int) exp[1];
      tvdSum += exp[0];
    }
    // the headline numbers follow from the per-item values
    String overall = Files.readAllLines(runDir.resolve("output_control_simple_metrics.csv")).stream()
        .filter(l -> l.startsWith("base,all,all,")).findFirst().orElseThrow();
    String[] o = overall.split(",");
    assertEquals(200, Integer.parseInt(o[3]));
    assertEquals(passes, Integer.parseInt(o[4]));
    assertEquals(tvdSum / 200, Double.parseDouble(o[8]), 1e-9);
    assertTrue(Double.parseDouble(o[9]) <= Double.parseDouble(o[8]) && Double.parseDouble(o[8]) <= Double.parseDouble(o[10]));
    JsonNode perModel = JSON.readTree(runDir.resolve("output_control_results_base.json").toFile());
    assertEquals(200, perModel.path("items").size());
    JsonNode combined = JSON.readTree(runDir.resolve("output_control_combined_results.json").toFile());
    assertTrue(combined.path("models").has("base") && combined.path("models").has("again"));
    assertEquals(200, JSON.readTree(runDir.resolve("output_control_results_again.json").toFile()).path("items").size());
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("(n=200)") && report.contains("(n=100)"), report);
    assertTrue(report.contains("## Against base"), report);
    // the default scorer is named and explained next to the headline
    assertTrue(report.contains("Scorer: tvd — TVD over {w1, w2, other}: mass on every other token, blocklisted "
        + "non-answers included, counts against the model."), report);
    assertEquals(3, combined.path("comparisons").size());

    // training split: 2 pairs × 5 p × 2 r × 1 variant, words disjoint from the evaluation pairs' pairs
    List<String> train = Files.readAllLines(runDir.resolve("control_train.jsonl"));
    assertEquals(20, train.size());
    for (String l : train) {
      JsonNode n = JSON.readTree(l);
      assertEquals(ControlPrompts.PREFILL, n.path("prefill").asText());
      assertEquals("user", n.path("messages").get(n.path("messages").size() - 1).path("role").asText());
      double sum = 0;
      var it = n.path("targets").fields();
      List<String> keys = new java.util.ArrayList<>();
      while (it.hasNext()) {
        var e = it.next();
        assertTrue(e.getKey().startsWith(" "), e.getKey());
        keys.add(e.getKey().strip());
        sum += e.getValue().asDouble();
      }
      assertEquals(1.0, sum, 1e-12);
      // 36 usable words ≥ 2 × (10 + 2): training words are disjoint from the evaluation words
      assertTrue(!evalWords.contains(keys.get(0)) && !evalWords.contains(keys.get(1)), keys.toString());
    }

    // a second `all` skips every phase
    StringWriter err2 = new StringWriter();
    assertEquals(0, run(new StringWriter(), err2, "all", "-c", cfg.toString()), err2.toString());
    for (String p : List.of("prepare", "run", "score", "analyze", "report")) {
      assertTrue(err2.toString().contains("[" + p + "] skipped"), err2.toString());
    }
  }

  /** reference/output-control.md's TVD, written out again here from the stored JSON. */
  static double[] referenceTvd(JsonNode dist, ControlTables.ItemRow it) {
    Set<String> block = Set.of("ap", "as", "i", "my", "sorry", "the", "unfortunately", "word");
    Map<String, Double> byWord = new HashMap<>();
    double blocked = 0;
    for (JsonNode t : dist.path("tokens")) {
      String w = t.path("t").asText().replace('\u2581', ' ').replace('\u0120', ' ').strip().toLowerCase(Locale.ROOT);
      double p = t.path("p").asDouble();
      if (block.contains(w)) blocked += p;
      else byWord.merge(w, p, Double::sum);
    }
    // default scorer tvd: blocklisted mass is not removed, it stays in the 'other' term (no renormalisation)
    double keep = 1;
    double p1;
    double p2;
    double t1;
    double t2;
    if (it.caseName().equals("given_words")) {
      p1 = byWord.getOrDefault(it.word1(), 0.0) / keep;
      p2 = byWord.getOrDefault(it.word2(), 0.0) / keep;
      t1 = it.p() / 100.0;
      t2 = it.q() / 100.0;
    } else {
      List<Double> top = byWord.entrySet().stream().filter(e -> e.getKey().chars().anyMatch(Character::isLetterOrDigit))
          .map(Map.Entry::getValue).sorted(java.util.Comparator.reverseOrder()).limit(2).toList();
      p1 = top.get(0) / keep;
      p2 = top.get(1) / keep;
      t1 = Math.max(it.p(), it.q()) / 100.0;
      t2 = Math.min(it.p(), it.q()) / 100.0;
    }
    double tvd = 0.5 * (Math.abs(p1 - t1) + Math.abs(p2 - t2) + Math.max(0, 1 - p1 - p2));
    return new double[] {tvd, tvd <= it.r() / 100.0 + 1e-9 ? 1 : 0};
  }
}
