package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.cli.Main;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `all` in-process against a scripted OpenAI-compatible server: every artifact, row counts, failure taxonomy. */
class KvTransitionEndToEndTest {
  @TempDir Path dir;
  MockWebServer server;
  ScriptedOpenAiServer script;

  static final List<String> TAGS = List.of("[ok]", "[429]", "[500once]", "[timeout]", "[empty]", "[length]",
      "[garbage]", "[refuse]");

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    script = new ScriptedOpenAiServer();
    server.setDispatcher(script);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * {@code dir/down.yaml}: {@link #writeDataset}'s 8 items against one openai engine at {@code baseUrl} (concurrency 2,
   * 1 s timeout, {@code maxRetries}), two bins, full cache, 16 new tokens, writing under {@code dir/runs/down}.
   */
  static Path downConfig(Path dir, String baseUrl, int maxRetries) throws Exception {
    Path data = writeDataset(dir, 0); // 8 items
    Path cfg = dir.resolve("down.yaml");
    Files.writeString(cfg, """
        study: kv_transition
        output: {exp_group_id: down, root: %s}
        engine: {kind: openai, model: scripted, base_url: %s, concurrency: 2, timeout_s: 1, max_retries: %d}
        dataset: {name: longbench, task: narrativeqa, source: %s}
        bins: {count: 2}
        sampling: {strategy: uniform, n_per_bin: 50, seed: 7}
        kv: {policy: snapkv, budgets: [1.0]}
        generation: {max_tokens: 16}
        """.formatted(dir.resolve("runs"), baseUrl, maxRetries, data));
    return cfg;
  }

  static Path writeDataset(Path dir, int extraOk) throws Exception {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String tag : TAGS) {
      sb.append(item("e" + i++, tag, 20 + 15 * i));
    }
    for (int k = 0; k < extraOk; k++) {
      sb.append(item("e" + i++, "[ok]", 20 + 15 * i));
    }
    Path f = dir.resolve("stories.jsonl");
    Files.writeString(f, sb.toString());
    return f;
  }

  private static String item(String id, String tag, int words) {
    String context = ("Mara walked to the old mill and found the brass key under a stone. ").repeat(Math.max(1, words / 14));
    return "{\"_id\":\"" + id + "\",\"input\":\"Who found the key? " + tag + "\",\"context\":\"" + context
        + "\",\"answers\":[\"Mara\",\"Mara the miller\"],\"length\":" + words + ",\"dataset\":\"narrativeqa\","
        + "\"language\":\"en\",\"all_classes\":null}\n";
  }

  Path writeConfig(Path data, String group, int concurrency) throws Exception {
    String yaml = """
        study: kv_transition
        output: {exp_group_id: %s, root: %s}
        engine:
          kind: openai
          model: scripted
          base_url: %s
          concurrency: %d
          timeout_s: 1
          max_retries: 2
        dataset: {name: longbench, task: narrativeqa, source: %s}
        bins: {count: 2}
        sampling: {strategy: uniform, n_per_bin: 50, seed: 7}
        kv:
          policy: snapkv
          budgets: [1.0, 0.5]
          server_fields: {max_cache_tokens: "{budget_tokens}"}
        generation: {max_tokens: 16}
        analysis: {bootstrap_iters: 500}
        """.formatted(group, dir.resolve("runs"), server.url("/v1/"), concurrency, data);
    Path cfg = dir.resolve(group + ".yaml");
    Files.writeString(cfg, yaml);
    return cfg;
  }

  static int run(StringWriter out, StringWriter err, String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void allProducesEveryArtifactAndClassifiesEveryFailure() throws Exception {
    Path data = writeDataset(dir, 0);
    Path cfg = writeConfig(data, "e2e", 4);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "all", "-c", cfg.toString(), "--set", "output.root=" + dir.resolve("runs"));
    assertEquals(0, code, err.toString());

    Path runDir = dir.resolve("runs/e2e");
    assertTrue(Files.isRegularFile(runDir.resolve("kv_transition.sqlite")));
    // output.root is set: the manifest lives under <root>/data/processed/<dataset_id>/<sampling key>/ (issue 12 item 3)
    try (var found = Files.walk(dir.resolve("runs/data/processed/longbench__narrativeqa"))) {
      assertEquals(1, found.filter(f -> f.getFileName().toString().equals("manifest.json")).count());
    }
    for (String p : List.of("plots/acc_by_bin.png", "plots/fail_by_bin.png", "plots/latency_p50_by_bin.png")) {
      var img = ImageIO.read(runDir.resolve(p).toFile());
      assertTrue(img.getWidth() >= 600 && img.getHeight() >= 400, p);
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("## Transition summary"), report);
    assertTrue(report.contains("| budget | bin (tokens) | n | informative | test | p | Holm p | ratio | verdict |"), report);
    assertTrue(report.contains("at least 6 discordant / non-zero pairs"), report);
    assertTrue(report.contains("(n="), "figures carry their n");
    assertTrue(Files.readString(runDir.resolve("bin_stats.csv")).startsWith("budget,bin_index"));
    // the configuration section is the kv study's own, in the keys a user writes (issue 15)
    String effective = report.substring(report.indexOf("## Effective configuration"));
    for (String key : List.of("max_tokens:", "query_aware:", "n_per_bin:", "exp_group_id:", "bootstrap_iters:")) {
      assertTrue(effective.contains(key), key + " in " + effective);
    }
    for (String foreign : List.of("\nmc:", "\nkl:", "\ncontrol:", "\ngrid:", "\nwords:", "\nprompts:", "\ntasks:",
        "\nengines:", "maxTokens", "queryAware")) {
      assertFalse(effective.contains(foreign), foreign + " in " + effective);
    }

    // the file holds the shared tables and this study's own, no other study's (issue 15 item 2; docs/schema.md)
    assertEquals(dev.harness.store.LegacyStores.expectedTables("kv_transition"),
        dev.harness.store.LegacyStores.tables(runDir.resolve("kv_transition.sqlite")));
    try (Store store = Store.open(runDir.resolve("kv_transition.sqlite"), KvSchema.CHAIN)) {
      List<RequestTables.UnitResult> units = new RequestTables(store).units();
      assertEquals(16, units.size(), "8 items x 2 budgets");
      assertEquals(2, new RequestTables(store).runs().size());
      for (RequestTables.RunRow run : new RequestTables(store).runs()) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.configJson());
        assertEquals(List.of("study", "output", "engine", "generation", "analysis", "dataset", "bins", "sampling", "kv",
            "scoring"), fieldNames(json), run.configJson());
        assertTrue(json.get("kv").has("query_aware") && json.get("generation").has("max_tokens"), run.configJson());
      }
      Map<String, Set<String>> typesByTag = new ScoreFailureTables(store).failures().stream().collect(Collectors.groupingBy(
          f -> tagOf(units, f.unitKey()), Collectors.mapping(ScoreFailureTables.FailureRow::failureType, Collectors.toSet())));
      assertEquals(Set.of("RATE_LIMITED"), typesByTag.get("[429]"));
      assertEquals(Set.of("TIMEOUT"), typesByTag.get("[timeout]"));
      assertEquals(Set.of("EMPTY_OUTPUT"), typesByTag.get("[empty]"));
      assertEquals(Set.of("TRUNCATED"), typesByTag.get("[length]"));
      assertEquals(Set.of("ENGINE_ERROR"), typesByTag.get("[garbage]"));
      assertEquals(Set.of("REFUSAL"), typesByTag.get("[refuse]"));
      assertEquals(null, typesByTag.get("[500once]"), "a 500 then success is not a failure");
      assertEquals(null, typesByTag.get("[ok]"));
      // the persistent 429 was tried 1 + max_retries times per budget
      assertEquals(3, script.hitsByTag.entrySet().stream().filter(e -> e.getKey().startsWith("[429]"))
          .mapToInt(e -> e.getValue().get()).max().orElse(0));
      // scores: 5 ok responses per budget ([ok], [500once], [empty], [length], [refuse]) x (em, f1)
      List<ScoreFailureTables.ScoreRow> scores = new ScoreFailureTables(store).scores();
      assertEquals(2 * 5 * 2, scores.size());
      double f1Ok = scores.stream().filter(s -> s.metric().equals("f1") && tagOf(units, s.unitKey()).equals("[ok]"))
          .mapToDouble(ScoreFailureTables.ScoreRow::value).min().orElse(-1);
      assertEquals(1.0, f1Ok, 1e-12);
      List<KvAnalysisTables.BinStatRow> stats = new KvAnalysisTables(store).binStats();
      assertEquals(4, stats.size(), "2 budgets x 2 bins");
      assertEquals(16, stats.stream().mapToInt(KvAnalysisTables.BinStatRow::nUnits).sum());
      assertEquals(6, stats.stream().mapToInt(KvAnalysisTables.BinStatRow::nInfraFailed).sum());
      assertEquals(2, new KvAnalysisTables(store).transitions().size(), "one compressed budget x (em, f1)");
      for (KvAnalysisTables.TransitionRow t : new KvAnalysisTables(store).transitions()) {
        var details = new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.detailsJson());
        assertEquals(0.05, details.get("alpha").asDouble());
        assertEquals(6, details.get("min_informative").asInt());
        for (var b : details.get("bins")) {
          assertTrue(b.has("n") && b.has("p") && b.has("pAdjusted") && b.has("informative"), b.toString());
        }
      }
    }
    // the budget reached the server as a number of tokens
    assertTrue(script.hitsByBody.keySet().stream().anyMatch(b -> b.matches("(?s).*\"max_cache_tokens\":\\d+.*")));

    // a second `all` skips every phase
    StringWriter err2 = new StringWriter();
    assertEquals(0, run(new StringWriter(), err2, "all", "-c", cfg.toString()));
    assertEquals(5, err2.toString().lines().filter(l -> l.contains("skipped")).count(), err2.toString());
  }

  static String tagOf(List<RequestTables.UnitResult> units, String unitKey) {
    String item = units.stream().filter(u -> u.unitKey().equals(unitKey)).findFirst().orElseThrow().itemId();
    return TAGS.get(Integer.parseInt(item.substring(1)));
  }

  private static List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
