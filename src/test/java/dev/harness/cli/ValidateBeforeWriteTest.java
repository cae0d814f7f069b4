package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole config is validated before anything is written: for each bad input the CLI (in process) exits 2 with one
 * {@code error:} line naming the file and the field, and no store or output folder exists afterwards. Each case was a
 * site inside a phase before (KvRun.checkPolicyParams, DefaultEngineFactory, PromptSource, LocalEngines.adapterDir,
 * McRun's source reader), reached only after {@code prepare} had opened the store.
 */
class ValidateBeforeWriteTest {
  @TempDir Path dir;

  private static final String LOCAL_MODEL = "data/fixtures/models/door-qa-llama";

  private String kv(String engine, String extra) {
    return """
        study: kv_transition
        output: {exp_group_id: g, root: %s}
        engine: %s
        dataset: {name: s, task: qa, source: data/fixtures/story_qa.jsonl}
        bins: {count: 1}
        kv: {policy: snapkv, budgets: [1.0, 0.5]}
        %s
        """.formatted(root(), engine, extra);
  }

  private String multi(String study, String variants, String extra) {
    return """
        study: %s
        output: {exp_group_id: g, root: %s}
        engines:
        %s
        %s
        """.formatted(study, root(), variants, extra);
  }

  private Path root() { return dir.resolve("out/runs"); }

  /** One case: the config, the extra CLI args, the field named, a fragment of what was expected. */
  record Case(String name, String yaml, List<String> args, String field, String expected, List<String> commands) {
    Case(String name, String yaml, List<String> args, String field, String expected) {
      this(name, yaml, args, field, expected, List.of("prepare", "all"));
    }
  }

  private List<Case> cases() {
    String local = "{kind: local, model: " + LOCAL_MODEL + "}";
    String base = "  - {name: base, kind: local, model: " + LOCAL_MODEL + "}\n";
    String two = base + "  - {name: other, kind: local, model: " + LOCAL_MODEL + "}";
    List<Case> c = new ArrayList<>();
    c.add(new Case("policy param", kv(local, "").replace("budgets: [1.0, 0.5]}", "budgets: [1.0, 0.5], params: {kernel: 6}}"),
        List.of(), "kv.params.kernel", "kernel must be odd"));
    c.add(new Case("policy param by --set", kv(local, ""), List.of("--set", "kv.params.kernel=6"), "kv.params.kernel",
        "kernel must be odd"));
    c.add(new Case("policy param type", kv(local, ""), List.of("--set", "kv.params.window=wide"), "kv.params.window",
        "must be an integer"));
    c.add(new Case("base_url without scheme", kv("{kind: openai, model: m, base_url: 'localhost:8000/v1'}",
        "kv: {policy: full, budgets: [1.0]}").replace("kv: {policy: snapkv, budgets: [1.0, 0.5]}\n", ""),
        List.of(), "engine.base_url", "expected an http(s) URL"));
    c.add(new Case("base_url without host", kv("{kind: openai, model: m, base_url: 'http:///v1'}", "")
        .replace("budgets: [1.0, 0.5]}", "budgets: [1.0]}"), List.of(), "engine.base_url", "expected an http(s) URL"));
    c.add(new Case("base_urls entry", kv("{kind: openai, model: m, base_urls: ['http://a:1/v1', 'ftp://b/v1']}", "")
        .replace("budgets: [1.0, 0.5]}", "budgets: [1.0]}"), List.of(), "engine.base_urls[1]", "expected an http(s) URL"));
    c.add(new Case("kv.base_urls value", kv("{kind: openai, model: m, base_url: 'http://a:1/v1'}", "")
        .replace("budgets: [1.0, 0.5]}", "budgets: [1.0, 0.5], base_urls: {'0.5': 'a:2'}}"), List.of(),
        "kv.base_urls.0.5", "expected an http(s) URL"));
    c.add(new Case("answer_loglik on a server", kv("{kind: openai, model: m, base_url: 'http://a:1/v1'}",
        "scoring: {metrics: [f1, answer_loglik]}").replace("budgets: [1.0, 0.5]}", "budgets: [1.0]}"), List.of(),
        "scoring.metrics", "answer_loglik needs capability CompressedLoglik"));
    c.add(new Case("budget a server ignores", kv("{kind: openai, model: m, base_url: 'http://a:1/v1'}", ""), List.of(),
        "kv", "need kv.server_fields or kv.base_urls"));
    c.add(new Case("missing dataset", kv(local, "").replace("data/fixtures/story_qa.jsonl", "data/fixtures/nope.jsonl"),
        List.of(), "dataset.source", "file not found"));
    c.add(new Case("missing local model", kv("{kind: local, model: ../nowhere/model}", ""), List.of(), "engine.model",
        "directory not found"));
    c.add(new Case("another study's section", kv(local, "mc: {batch_size: 2}"), List.of(), "mc",
        "unknown key 'mc' for study kv_transition"));
    c.add(new Case("missing prompt source", multi("kl", two, "prompts: {source: " + dir.resolve("p.jsonl") + "}\ngeneration: {temperature: 1.0}"),
        List.of(), "prompts.source", "file not found"));
    c.add(new Case("unknown task", multi("mc_eval", two, "tasks: [arc_hard]"), List.of(), "tasks[0]",
        "expected one of [arc_easy"));
    c.add(new Case("missing task source", multi("mc_eval", two, "tasks: [arc_easy]\nmc: {sources: {arc_easy: "
        + dir.resolve("arc.jsonl") + "}}"), List.of(), "mc.sources.arc_easy", "file not found"));
    c.add(new Case("missing adapter", multi("mc_eval", base + "  - {name: lora, kind: local, model: " + LOCAL_MODEL
        + ", adapter: " + dir.resolve("adapter") + "}", "tasks: [arc_easy]"), List.of(), "engines[1].adapter",
        "is not a directory (expected a PEFT adapter folder)", List.of("all", "run", "score")));
    c.add(new Case("missing word list", multi("output_control", two, "words: {source: " + dir.resolve("w.txt") + "}"),
        List.of(), "words.source", "file not found"));
    return c;
  }

  @Test
  void everyBadInputExits2WithOneLineAndWritesNothing() throws Exception {
    for (Case k : cases()) {
      Path f = dir.resolve("c.yaml");
      Files.writeString(f, k.yaml());
      for (String phase : k.commands()) {
        List<String> args = new ArrayList<>(List.of(phase, "-c", f.toString()));
        args.addAll(k.args());
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), k.name() + ": " + r.err());
        assertEquals(1, r.err().lines().count(), k.name() + ": one line, got " + r.err());
        assertTrue(r.err().startsWith("error: " + f + ": " + k.field() + ": "), k.name() + ": " + r.err());
        assertTrue(r.err().contains(k.expected()), k.name() + ": " + r.err());
        assertFalse(Files.exists(dir.resolve("out")), k.name() + ": nothing may be written, found " + dir.resolve("out"));
      }
    }
  }

  @Test
  void prepareAloneNeedsNoAdapterYet() throws Exception {
    // the output_control loop: prepare writes the training split, harness finetune the adapter, then the rest runs
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, multi("mc_eval", "  - {name: base, kind: local, model: " + LOCAL_MODEL + "}\n"
        + "  - {name: lora, kind: local, model: " + LOCAL_MODEL + ", adapter: " + dir.resolve("adapter") + "}",
        "tasks: [arc_easy]\nmc: {sources: {arc_easy: " + dir.resolve("arc.jsonl") + "}}"));
    CliTest.Result r = CliTest.run("prepare", "-c", f.toString());
    assertTrue(r.err().contains("mc.sources.arc_easy: file not found"), "the adapter is not what stops prepare: " + r.err());
  }

  @Test
  void theGoodConfigsPassValidation() throws Exception {
    // the same configs without the fault get past validation (into prepare, which then writes the store): the cases
    // above fail for their fault, not for something else in the config
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, kv("{kind: local, model: " + LOCAL_MODEL + "}", "").replace("budgets: [1.0, 0.5]}",
        "budgets: [1.0, 0.5], params: {kernel: 5}}"));
    CliTest.Result r = CliTest.run("prepare", "-c", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(root().resolve("g/kv_transition.sqlite")));
  }
}
