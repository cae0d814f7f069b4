package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness status} on a kv_transition store after every unit failed (server always 503): run is not done,
 * 8 units failed by type, nothing sent by status; after a config change the old rows count as other configurations.
 */
class KvStatusTest {
  @TempDir Path dir;

  @Test
  void statusCountsFailedUnitsByTypeFromTheStore() throws Exception {
    java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    try (MockWebServer server = TestServer.start(r -> {
      hits.incrementAndGet();
      return TestServer.bare(503, "{\"error\":{\"message\":\"down\"}}");
    })) {
      Path data = KvTransitionEndToEndTest.writeDataset(dir, 0); // 8 items
      Path cfg = dir.resolve("down.yaml");
      Files.writeString(cfg, """
          study: kv_transition
          output: {exp_group_id: down, root: %s}
          engine: {kind: openai, model: scripted, base_url: %s, concurrency: 2, timeout_s: 1, max_retries: 0}
          dataset: {name: longbench, task: narrativeqa, source: %s}
          bins: {count: 2}
          sampling: {strategy: uniform, n_per_bin: 50, seed: 7}
          kv: {policy: snapkv, budgets: [1.0]}
          generation: {max_tokens: 16}
          """.formatted(dir.resolve("runs"), server.url("/v1/"), data));
      assertEquals(1, KvTransitionEndToEndTest.run(new StringWriter(), new StringWriter(), "all", "-c", cfg.toString()));
      int sent = hits.get();
      StringWriter out = new StringWriter(), err = new StringWriter();
      assertEquals(0, KvTransitionEndToEndTest.run(out, err, "status", "-c", cfg.toString()), err.toString());
      String s = out.toString();
      assertTrue(s.contains("prepare: done at "), s);
      assertTrue(s.contains("run: not done"), s);
      assertTrue(s.contains("units: 0 of 8 done, 8 failed (ENGINE_ERROR 8), 0 missing"), s);
      out = new StringWriter();
      assertEquals(0, KvTransitionEndToEndTest.run(out, err, "status", "-c", cfg.toString(), "--set",
          "generation.max_tokens=8"), err.toString());
      assertTrue(out.toString().contains("units: 0 of 8 done, 0 failed, 8 missing; 8 stored rows from other"
          + " configurations (not used)"), out.toString());
      assertEquals(sent, hits.get(), "status sends nothing");
    }
  }
}
