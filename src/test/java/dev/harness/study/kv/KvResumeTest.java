package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.RequestTables;
import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed after k of n units (a real process, SIGKILL) resumes to exactly n responses, none sent twice. */
class KvResumeTest {
  @TempDir Path dir;

  @Test
  void killedRunResumesWithoutDuplicates() throws Exception {
    ScriptedOpenAiServer script = new ScriptedOpenAiServer();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(script);
      server.start();
      Path data = ScriptedOpenAiServer.writeKeyDataset(dir, 8);
      Path cfg = dir.resolve("resume.yaml");
      Files.writeString(cfg, """
          study: kv_transition
          output: {exp_group_id: resume, root: %s}
          engine: {kind: openai, model: m, base_url: %s, concurrency: 1, timeout_s: 30, max_retries: 0}
          dataset: {name: resume, task: qa, source: %s}
          bins: {count: 1}
          sampling: {strategy: uniform, n_per_bin: 8}
          kv: {policy: snapkv, budgets: [1.0]}
          analysis: {bootstrap_iters: 200}
          """.formatted(dir.resolve("runs"), server.url("/v1/"), data));
      assertEquals(0, KvTransitionEndToEndTest.run(new StringWriter(), new StringWriter(), "prepare", "-c", cfg.toString()));

      int k = 3;
      script.slowAfter = k;
      script.slowMillis = 4000;
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "dev.harness.cli.Main", "run", "-c", cfg.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
      Path db = dir.resolve("runs/resume/kv_transition.sqlite");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      int stored = 0;
      while (System.nanoTime() < deadline && child.isAlive()) {
        try (Store s = Store.open(db, KvSchema.CHAIN)) {
          stored = new RequestTables(s).respondedUnitKeys().size();
        }
        if (stored >= k) break;
        Thread.sleep(100);
      }
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertEquals(k, stored, Files.readString(dir.resolve("child.log")));
      Set<String> before;
      try (Store s = Store.open(db, KvSchema.CHAIN)) {
        before = new RequestTables(s).completedUnitKeys();
      }
      assertEquals(k, before.size());

      script.slowAfter = Long.MAX_VALUE;
      int requestsBefore = script.total.get();
      StringWriter err = new StringWriter();
      assertEquals(0, KvTransitionEndToEndTest.run(new StringWriter(), err, "run", "-c", cfg.toString()), err.toString());
      assertTrue(err.toString().contains(k + " skipped as already done"), err.toString());
      assertEquals(8 - k, script.total.get() - requestsBefore, "only the missing units were sent again");
      try (Store s = Store.open(db, KvSchema.CHAIN)) {
        List<RequestTables.UnitResult> units = new RequestTables(s).units();
        assertEquals(8, units.size());
        assertEquals(8, new HashSet<>(units.stream().map(RequestTables.UnitResult::itemId).toList()).size());
        int rows = s.query(c -> {
          try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM requests")) {
            rs.next();
            return rs.getInt(1);
          }
        });
        assertEquals(8, rows);
      }
    }
  }
}
