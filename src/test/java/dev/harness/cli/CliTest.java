package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.kv.KvDataTables;
import dev.harness.study.kv.KvSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line messages for bad input; nothing half-written in the store. */
class CliTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path config(String dataset, String extra) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, """
        study: kv_transition
        output: {exp_group_id: bad, root: %s}
        engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1}
        dataset: {name: bad, task: qa, source: %s}
        bins: {count: 1}
        %s
        """.formatted(dir.resolve("runs"), dataset, extra));
    return f;
  }

  @Test
  void helpAndVersion() {
    Result h = run("--help");
    assertEquals(0, h.code());
    for (String cmd : new String[] {"prepare", "run", "score", "analyze", "report", "all"}) {
      assertTrue(h.out().contains(cmd), h.out());
    }
    Result v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("harness "), v.out());
  }

  @Test
  void unknownOptionIsUsageError() {
    Result r = run("all", "--nope");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: "), r.err());
  }

  @Test
  void unknownKeyExits2WithOneLine() throws Exception {
    Result r = run("prepare", "-c", config("x.jsonl", "sampling: {stratgy: uniform}").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: " + dir.resolve("c.yaml") + ": sampling.stratgy: unknown key 'stratgy'"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(dir.resolve("runs/bad")), "no store for an invalid config");
  }

  @Test
  void wrongTypeExits2() throws Exception {
    Result r = run("prepare", "-c", config("x.jsonl", "generation: {max_tokens: lots}").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("generation.max_tokens: expected an integer, got \"lots\""), r.err());
  }

  @Test
  void badSetOverrideExits2() throws Exception {
    Result r = run("prepare", "-c", config("x.jsonl", "").toString(), "--set", "kv.budgets=[0.0]");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("kv.budgets[0]: expected a fraction in (0, 1], got 0.0"), r.err());
  }

  @Test
  void missingDatasetFileExits2NamingTheField() throws Exception {
    Result r = run("prepare", "-c", config(dir.resolve("missing.jsonl").toString(), "").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("dataset.source: file not found: " + dir.resolve("missing.jsonl")), r.err());
  }

  @Test
  void malformedJsonlLineExits1NamingFileAndLineAndLeavesStoreEmpty() throws Exception {
    Path data = dir.resolve("broken.jsonl");
    Files.writeString(data, "{\"_id\":\"a\",\"input\":\"q\",\"context\":\"c\",\"answers\":[\"x\"]}\n{\"_id\": \"b\", oops}\n");
    Result r = run("prepare", "-c", config(data.toString(), "").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(data.toString()) && r.err().contains("line 2"), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:")).count(), r.err());
    try (Store s = Store.open(dir.resolve("runs/bad/kv_transition.sqlite"), KvSchema.CHAIN)) {
      assertEquals(0, new KvDataTables(s).count("datasets"));
      assertEquals(0, new KvDataTables(s).count("examples"));
    }
  }

  @Test
  void runBeforePrepareSaysWhatToDo() throws Exception {
    Path data = dir.resolve("ok.jsonl");
    Files.writeString(data, "{\"_id\":\"a\",\"input\":\"q\",\"context\":\"c\",\"answers\":[\"x\"]}\n");
    Result r = run("run", "-c", config(data.toString(), "").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("phase run") && r.err().contains("run 'harness prepare"), r.err());
  }

  @Test
  void forceTakesOnlyPhases() throws Exception {
    Result r = run("all", "-c", config("x.jsonl", "").toString(), "--force", "everything");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown phase 'everything'"), r.err());
  }
}
