package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.Main;
import dev.harness.metrics.mc.McMetrics;
import dev.harness.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `all` on the local engine with the tiny GQA Llama and the real ARC-Easy / TruthfulQA files: every artifact, samples
 * files that re-score to the stored metrics, identical variants compare as Δ = 0 with b = c = 0, resume, and scores
 * that do not depend on the batch size.
 */
class McEvalEndToEndTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final Path ARC = Path.of("../shared/data/arc_easy/ARC-Easy-test.jsonl");
  static final Path TQA = Path.of("../shared/data/truthfulqa/mc_task_v0.json");
  static final Path LORA = Path.of("../shared/models/tiny-llama-gqa-lora");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /**
   * The top-level keys of lm-eval v0.4.9.2's results_*.json, in its order: evaluate()'s results_dict
   * (lm_eval/evaluator.py: results, group_subtasks, configs, versions, n-shot, higher_is_better, n-samples), then
   * simple_evaluate's config, git_hash, date, add_env_info's and add_tokenizer_info's keys (lm_eval/loggers/utils.py),
   * then EvaluationTracker.save_results_aggregated's task_hashes and asdict(GeneralConfigTracker)
   * (lm_eval/loggers/evaluation_tracker.py). The harness appends its own two.
   */
  static final List<String> LM_EVAL_KEYS = List.of("results", "group_subtasks", "configs", "versions", "n-shot",
      "higher_is_better", "n-samples", "config", "git_hash", "date", "pretty_env_info", "transformers_version",
      "lm_eval_version", "upper_git_hash", "tokenizer_pad_token", "tokenizer_eos_token", "tokenizer_bos_token",
      "eot_token_id", "max_length", "task_hashes", "model_source", "model_name", "model_name_sanitized",
      "system_instruction", "system_instruction_sha", "fewshot_as_multiturn", "chat_template", "chat_template_sha",
      "start_time", "end_time", "total_evaluation_time_seconds", "harness_version", "harness_variant");
  /** simple_evaluate's results["config"]: model, model_args, HFLM.get_model_info(), then the execution keys. */
  static final List<String> LM_EVAL_CONFIG_KEYS = List.of("model", "model_args", "model_num_parameters", "model_dtype",
      "model_revision", "model_sha", "batch_size", "batch_sizes", "device", "use_cache", "limit", "bootstrap_iters",
      "gen_kwargs", "random_seed", "numpy_seed", "torch_seed", "fewshot_seed");

  /**
   * {@code dir/mc.yaml}: one openai variant "api" (completions endpoint, tokenizer {@link #GQA}) serving {@code model}
   * at {@code baseUrl}, arc_easy, seeds 0 and 1, 2 documents, writing under {@code dir/runs/<group>}.
   */
  static Path apiConfig(Path dir, String group, String model, String baseUrl) throws java.io.IOException {
    Path cfg = dir.resolve("mc.yaml");
    Files.writeString(cfg, """
        study: mc_eval
        output: {exp_group_id: %s, root: %s}
        engines:
          - {name: api, kind: openai, model: %s, base_url: '%s', endpoint: completions, tokenizer: %s, max_retries: 0, concurrency: 1}
        tasks: [arc_easy]
        seeds: [0, 1]
        limit: 2
        mc:
          sources: {arc_easy: %s}
        analysis: {bootstrap_iters: 100}
        """.formatted(group, dir.resolve("runs"), model, baseUrl, GQA, ARC));
    return cfg;
  }

  static int run(StringWriter out, StringWriter err, String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  Path config(String group, String engines, int batch) throws Exception {
    return config(group, engines, batch, true);
  }

  Path config(String group, String engines, int batch, boolean sharedPrefix) throws Exception {
    Path cfg = dir.resolve(group + ".yaml");
    Files.writeString(cfg, """
        study: mc_eval
        output: {exp_group_id: %s, root: %s}
        engines:
        %s
        tasks: [arc_easy, truthfulqa_mc1, truthfulqa_mc2]
        seeds: [0, 1]
        limit: 2
        mc:
          sources: {arc_easy: %s, truthfulqa_mc1: %s, truthfulqa_mc2: %s}
          batch_size: %d
          shared_prefix: %s
        analysis: {bootstrap_iters: 500}
        """.formatted(group, dir.resolve("runs"), engines, ARC, TQA, TQA, batch, sharedPrefix));
    return cfg;
  }

  static String variant(String name) {
    return "  - {name: " + name + ", kind: local, model: " + GQA + "}";
  }

  @Test
  void allWritesEveryArtifactAndTheSamplesRescore() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA) && Files.isRegularFile(ARC) && Files.isRegularFile(TQA),
        "SKIPPED: ../shared models or data are absent");
    Path cfg = config("e2e", variant("base") + "\n" + variant("same"), 4, false);
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    Path runDir = dir.resolve("runs/e2e");
    for (String f : List.of("report.md", "summary.csv", "comparisons.csv", "plots/metrics_by_variant.png",
        "plots/tradeoff_scatter.png", "mc_eval.sqlite")) {
      assertTrue(Files.size(runDir.resolve(f)) > 0, f);
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("a seed cannot change it"), report);
    assertTrue(report.contains("### base (baseline)") && report.contains("### same"), report);

    // lm-eval files: one folder per variant (same model: the variant label tells them apart)
    for (String folder : List.of("shared__models__tiny-llama-gqa__base", "shared__models__tiny-llama-gqa__same")) {
      Path d = runDir.resolve("lm_eval").resolve(folder);
      Path results = only(d, "results_");
      JsonNode res = JSON.readTree(results.toFile());
      String time = results.getFileName().toString().substring("results_".length()).replace(".json", "");
      assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{6}"), time);
      assertEquals(2, res.at("/n-samples/arc_easy/effective").asInt());
      assertEquals(2376, res.at("/n-samples/arc_easy/original").asInt());
      assertEquals("[0,1]", res.at("/config/seeds").toString());
      List<String> keys = new ArrayList<>();
      res.fieldNames().forEachRemaining(keys::add);
      assertEquals(LM_EVAL_KEYS, keys);
      List<String> configKeys = new ArrayList<>();
      res.get("config").fieldNames().forEachRemaining(configKeys::add);
      assertEquals(LM_EVAL_CONFIG_KEYS, configKeys.stream().filter(LM_EVAL_CONFIG_KEYS::contains).toList());
      assertEquals(187328, res.at("/config/model_num_parameters").asLong()); // safetensors header, tied embeddings once
      assertEquals("torch.float32", res.at("/config/model_dtype").asText());
      assertEquals("main", res.at("/config/model_revision").asText());
      assertEquals("", res.at("/config/model_sha").asText()); // a plain folder: HfApi().model_info fails, lm-eval writes ""
      assertEquals("[\"<|endoftext|>\",\"0\"]", res.get("tokenizer_pad_token").toString()); // configure_pad_token: unk
      assertEquals("[\"<|endoftext|>\",\"0\"]", res.get("tokenizer_eos_token").toString());
      assertEquals(0, res.get("eot_token_id").asInt());
      assertEquals(2048, res.get("max_length").asInt());
      assertEquals("harness-local", res.get("model_source").asText());
      assertEquals(GQA.toString(), res.get("model_name").asText());
      assertEquals("..__shared__models__tiny-llama-gqa", res.get("model_name_sanitized").asText());
      assertTrue(res.get("chat_template").isNull() && res.get("system_instruction").isNull());
      assertTrue(res.get("end_time").asDouble() >= res.get("start_time").asDouble());
      assertEquals(res.get("end_time").asDouble() - res.get("start_time").asDouble(),
          Double.parseDouble(res.get("total_evaluation_time_seconds").asText()), 1e-6);
      for (String task : List.of("arc_easy", "truthfulqa_mc1", "truthfulqa_mc2")) {
        Path samples = d.resolve("samples_" + task + "_" + time + ".jsonl");
        Map<String, Double> means = rescore(task, samples);
        StringBuilder concat = new StringBuilder();
        for (String line : Files.readAllLines(samples)) {
          JsonNode n = JSON.readTree(line);
          assertTrue(n.get("target").isTextual(), "target is str(target) as lm-eval writes it: " + n.get("target"));
          assertEquals(dev.harness.study.Json.sha256(n.get("target").asText()), n.get("target_hash").asText());
          concat.append(n.get("doc_hash").asText()).append(n.get("prompt_hash").asText()).append(n.get("target_hash").asText());
        }
        assertEquals(dev.harness.study.Json.sha256(concat.toString()), res.at("/task_hashes/" + task).asText(), task);
        assertEquals(res.at("/results/" + task + "/acc,none").asDouble(), means.get("acc"), 1e-12, task);
        if (task.equals("arc_easy")) {
          assertEquals(res.at("/results/" + task + "/acc_norm,none").asDouble(), means.get("acc_norm"), 1e-12);
        }
        assertTrue(res.at("/results/" + task).has("acc_stderr,none"), task);
      }
    }

    // the file holds the shared tables and this study's own, no other study's (issue 15 item 2; docs/schema.md)
    assertEquals(dev.harness.store.LegacyStores.expectedTables("mc_eval"),
        dev.harness.store.LegacyStores.tables(runDir.resolve("mc_eval.sqlite")));
    try (Store s = Store.open(runDir.resolve("mc_eval.sqlite"), McSchema.CHAIN)) {
      McTables t = new McTables(s);
      // identical variants: Δ 0, CI [0, 0], McNemar b = c = 0, p = 1
      List<McTables.ComparisonRow> comps = t.comparisons();
      assertEquals(4, comps.size());
      for (McTables.ComparisonRow r : comps) {
        assertEquals("same", r.variant());
        assertEquals(0.0, r.delta(), 0);
        assertEquals(0.0, r.lo(), 0);
        assertEquals(0.0, r.hi(), 0);
        assertEquals(2, r.n());
        if (!r.task().equals("truthfulqa_mc2")) {
          assertEquals(0, r.b());
          assertEquals(0, r.c());
          assertEquals(1.0, r.exactP(), 0);
        } else {
          assertEquals(null, r.b(), "mc2 is not 0/1: no McNemar");
        }
      }
      // seeds share one scoring: every result row was made with seed 0; both seeds present
      List<McTables.ResultRow> rows = t.results("base", "arc_easy");
      assertEquals(2 * 2 * 4, rows.size(), "2 seeds x 2 docs x 4 choices");
      assertTrue(rows.stream().allMatch(r -> r.scoredWithSeed() == 0 && r.loglik() < 0 && r.nTokens() > 0));
      for (McTables.ResultRow r : rows) {
        if (r.seed() == 1) {
          double s0 = rows.stream().filter(x -> x.seed() == 0 && x.docId() == r.docId() && x.choiceIndex() == r.choiceIndex())
              .findFirst().orElseThrow().loglik();
          assertEquals(s0, r.loglik(), 0);
        }
      }
      // resume: drop two results, `run` rescores exactly those
      s.transaction(c -> {
        try (Statement st = c.createStatement()) {
          st.executeUpdate("DELETE FROM mc_results WHERE variant = 'same' AND task = 'arc_easy' AND doc_id = 1 "
              + "AND choice_index IN (0, 2) AND seed = 1");
        }
      });
    }
    err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "run", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains("2 requests scored (base: all done; same: 2 choices scored)"), err.toString());
    err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains("[run] skipped"), err.toString());

    // batch size 1 (one request per forward pass, Engine.score) gives the same log-likelihoods as left-padded batches
    // of 4 (shared_prefix: false, the run above); the adapter variant shares the loaded base and changes the scores
    Path one = config("batch1", variant("base") + "\n  - {name: lora, kind: local, model: " + GQA + ", adapter: " + LORA
        + "}", 1, false);
    err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, "all", "-c", one.toString()), err.toString());
    try (Store a = Store.open(runDir.resolve("mc_eval.sqlite"), McSchema.CHAIN); Store b = Store.open(dir.resolve("runs/batch1/mc_eval.sqlite"), McSchema.CHAIN)) {
      int compared = 0;
      double worst = 0;
      for (String task : List.of("arc_easy", "truthfulqa_mc1", "truthfulqa_mc2")) {
        List<McTables.ResultRow> x = new McTables(a).results("base", task);
        List<McTables.ResultRow> y = new McTables(b).results("base", task);
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
          assertEquals(x.get(i).unitKey(), y.get(i).unitKey());
          assertEquals(4, x.get(i).batchSize());
          assertEquals(1, y.get(i).batchSize());
          worst = Math.max(worst, Math.abs(x.get(i).loglik() - y.get(i).loglik()));
          compared++;
        }
      }
      assertTrue(compared >= 16, "compared " + compared);
      assertTrue(worst < 1e-5, "max |Δ loglik| between batch 4 and batch 1: " + worst);

      McTables tb = new McTables(b);
      double moved = 0;
      List<McTables.ResultRow> base = tb.results("base", "truthfulqa_mc2");
      List<McTables.ResultRow> lora = tb.results("lora", "truthfulqa_mc2");
      assertEquals(base.size(), lora.size());
      for (int i = 0; i < base.size(); i++) moved = Math.max(moved, Math.abs(base.get(i).loglik() - lora.get(i).loglik()));
      assertTrue(moved > 1e-3, "the adapter changes log-likelihoods: max |Δ| " + moved);
      assertEquals(4, tb.comparisons().stream().filter(r -> r.variant().equals("lora") && r.baseline().equals("base")).count());
    }
    // shared_prefix (the default): each document's context computed once; batch 1 and batch 4 give identical
    // numbers, and they match the unbatched scores to float rounding (this model's logits reach ~19, float32 error
    // ~4e-4 per logit in the reference itself)
    Path s1 = config("shared1", variant("base"), 1);
    Path s4 = config("shared4", variant("base"), 4);
    for (Path p : List.of(s1, s4)) {
      Files.writeString(p, Files.readString(p).replace("tasks: [arc_easy, truthfulqa_mc1, truthfulqa_mc2]",
          "tasks: [arc_easy, truthfulqa_mc2]"));
      err = new StringWriter();
      assertEquals(0, run(new StringWriter(), err, "all", "-c", p.toString()), err.toString());
    }
    try (Store a = Store.open(dir.resolve("runs/shared1/mc_eval.sqlite"), McSchema.CHAIN); Store b = Store.open(dir.resolve("runs/shared4/mc_eval.sqlite"), McSchema.CHAIN);
        Store u = Store.open(dir.resolve("runs/batch1/mc_eval.sqlite"), McSchema.CHAIN)) {
      double worst = 0;
      for (String task : List.of("arc_easy", "truthfulqa_mc2")) {
        List<McTables.ResultRow> x = new McTables(a).results("base", task);
        List<McTables.ResultRow> y = new McTables(b).results("base", task);
        List<McTables.ResultRow> z = new McTables(u).results("base", task);
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
          assertEquals(x.get(i).loglik(), y.get(i).loglik(), 0, x.get(i).unitKey());
          worst = Math.max(worst, Math.abs(x.get(i).loglik() - z.get(i).loglik()));
        }
      }
      assertTrue(worst < 1e-4, "max |Δ loglik| shared prefix vs unbatched: " + worst);
    }
    Path loraDir = dir.resolve("runs/batch1/lm_eval/tiny-llama-gqa-lora");
    JsonNode lres = JSON.readTree(only(loraDir, "results_").toFile());
    assertTrue(lres.at("/config/model_args").asText().contains(",peft=" + LORA), lres.at("/config/model_args").asText());
    // lm-eval names an adapter run by its peft= value (_get_model_name) and counts the injected LoRA matrices
    // (PeftModel, unmerged): 187,328 base + 2,496 adapter parameters (both from the safetensors headers)
    assertEquals(LORA.toString(), lres.get("model_name").asText());
    assertEquals("..__shared__models__tiny-llama-gqa-lora", lres.get("model_name_sanitized").asText());
    assertEquals(187328 + 2496, lres.at("/config/model_num_parameters").asLong());
    assertEquals("", lres.at("/config/peft_sha").asText());
    assertTrue(Files.readString(dir.resolve("runs/batch1/report.md")).contains("- adapter: `" + LORA + "`"));
  }

  private static Path only(Path d, String prefix) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
      assertEquals(1, l.size(), l.toString());
      return l.get(0);
    }
  }

  /** Recomputes each line's metrics from its filtered_resps and doc; checks them; returns the means. */
  private static Map<String, Double> rescore(String task, Path samples) throws Exception {
    List<String> lines = Files.readAllLines(samples);
    assertEquals(2, lines.size(), samples.toString());
    Map<String, List<Double>> vals = new HashMap<>();
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      for (String f : List.of("doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter", "metrics",
          "doc_hash", "prompt_hash", "target_hash")) {
        assertTrue(n.has(f), f + " in " + line);
      }
      JsonNode fr = n.get("filtered_resps");
      double[] ll = new double[fr.size()];
      for (int i = 0; i < ll.length; i++) {
        ll[i] = Double.parseDouble(fr.get(i).get(0).asText());
        assertTrue(List.of("True", "False").contains(fr.get(i).get(1).asText()));
        assertEquals(n.at("/arguments/gen_args_" + i + "/arg_1").asText().substring(1), choice(task, n, i));
      }
      Map<String, Double> m = new HashMap<>();
      switch (task) {
        case "arc_easy" -> {
          int gold = n.get("target").asInt();
          List<String> choices = new ArrayList<>();
          n.at("/doc/choices/text").forEach(x -> choices.add(x.asText()));
          m.put("acc", McMetrics.acc(ll, gold));
          m.put("acc_norm", McMetrics.accNorm(ll, choices, gold));
        }
        case "truthfulqa_mc1" -> m.put("acc", McMetrics.acc(ll, 0));
        default -> {
          List<Integer> labels = new ArrayList<>();
          n.at("/doc/mc2_targets/labels").forEach(x -> labels.add(x.asInt()));
          m.put("acc", McMetrics.mc2(ll, labels));
        }
      }
      for (Map.Entry<String, Double> e : m.entrySet()) {
        assertEquals(e.getValue(), n.get(e.getKey()).asDouble(), 0, task + " " + e.getKey() + " of " + n.get("doc_id"));
        vals.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
      }
    }
    Map<String, Double> means = new HashMap<>();
    vals.forEach((k, v) -> means.put(k, v.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
    return means;
  }

  private static String choice(String task, JsonNode n, int i) {
    return switch (task) {
      case "arc_easy" -> n.at("/doc/choices/text/" + i).asText();
      case "truthfulqa_mc1" -> n.at("/doc/mc1_targets/choices/" + i).asText();
      default -> n.at("/doc/mc2_targets/choices/" + i).asText();
    };
  }
}
