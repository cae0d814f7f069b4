package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.TestServer;
import java.io.StringWriter;
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
      Path cfg = KvTransitionEndToEndTest.downConfig(dir, server.url("/v1/").toString(), 0);
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
