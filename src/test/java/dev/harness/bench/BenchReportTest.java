package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  static final ModelCost COST = ModelCost.of(ModelCostTest.tiny(false), 760, 4);

  /** Prefill 3 tokens = 3808 FLOPs in 2e-6 s → 1.904 GFLOP/s; decode 2720 B/token... (see each test). */
  static BenchReport report(List<Section> sections) {
    BenchReport.ModelSummary m = new BenchReport.ModelSummary("generated", "LlamaForCausalLM", 10, 8, 1, 2, 1, 16, 760,
        COST.weightBytes(), COST.streamedBytesPerToken(), COST.prefillFlops(3, 1), 0L, 0.5, 0.25);
    MachineLimits k = new MachineLimits(2048, 2.0, 4096, 1.5, 6.0, 256L << 20, 20.0, 0.004);
    // prefill: 3 tokens in 1.5e-6, 2e-6, 4e-6 s → median 2e-6 s → 3808 / 2e-6 = 1.904 GFLOP/s (/ 2.0 = 0.952)
    // decode: 1000 tok/s (median of 900, 1000, 1100) × 2720 B = 2.72e-3 GB/s (/ 0.004 = 0.68)
    EngineRun e = new EngineRun(3, List.of(4e-6, 1.5e-6, 2e-6), 3, 5, 4, List.of(900.0, 1100.0, 1000.0), "telemetry", 1024L);
    // peak 6080 B vs 3040 B of weights → 2.0 (above 1.5: BELOW)
    BenchReport.MemoryUsage mem = new BenchReport.MemoryUsage(1000L, 4000L, 6080L, true, COST.weightBytes());
    BenchReport.Environment env = new BenchReport.Environment("cpu", "2.7.1 cpu", "float32", 2, 2, 3.5, "17", "Linux amd64");
    return new BenchReport(env, m, k, e, mem, BenchReport.standardChecks(m, k, e, mem), sections);
  }

  @Test
  void standardChecksComputeRatiosFromTheirInputs() {
    List<Check> c = report(List.of()).checks();
    assertEquals(3, c.size());
    assertEquals("prefill_vs_matmul", c.get(0).key());
    assertEquals(1.904, c.get(0).numerator(), 1e-9);
    assertEquals(2.0, c.get(0).denominator());
    assertEquals(0.952, c.get(0).ratio(), 1e-9);
    assertEquals("PASS", c.get(0).mark());
    assertEquals("decode_vs_bandwidth", c.get(1).key());
    assertEquals(2.72e-3, c.get(1).numerator(), 1e-12);
    assertEquals(0.004, c.get(1).denominator());
    assertEquals(0.68, c.get(1).ratio(), 1e-9);
    assertTrue(c.get(1).pass());
    assertEquals("peak_rss_vs_weights", c.get(2).key());
    assertEquals(2.0, c.get(2).ratio(), 1e-9);
    assertFalse(c.get(2).pass());
    assertEquals("BELOW", c.get(2).mark());
  }

  @Test
  void checkMarksAtTheBoundaryAndWithoutInputs() {
    Check atLeast = new Check("k", "l", "n", 1, "d", 2, "u", Check.Comparison.AT_LEAST, 0.5, "f");
    assertTrue(atLeast.pass());
    Check below = new Check("k", "l", "n", 0.99, "d", 2, "u", Check.Comparison.AT_LEAST, 0.5, "f");
    assertEquals("BELOW", below.mark());
    Check atMost = new Check("k", "l", "n", 3, "d", 2, "u", Check.Comparison.AT_MOST, 1.5, "f");
    assertTrue(atMost.pass());
    Check missing = new Check("k", "l", "n", Double.NaN, "d", 2, "u", Check.Comparison.AT_MOST, 1.5, "f");
    assertEquals("n/a", missing.mark());
    assertFalse(missing.pass());
  }

  @Test
  void tableShowsEveryRatioWithItsInputsTargetAndMark() {
    String t = report(List.of()).table();
    assertTrue(t.contains("prefill FLOP/s / matmul rate"), t);
    assertTrue(t.contains("0.95"), t);
    assertTrue(t.contains("1.90 prefill GFLOP/s / 2.00 matmul 2048^3 GFLOP/s"), t);
    assertTrue(t.contains("decode bytes/s / read bandwidth"), t);
    assertTrue(t.contains("0.00272 decode weight GB/s / 0.00400 read (sum) GB/s"), t);
    assertTrue(t.contains("peak RSS / weight bytes"), t);
    assertTrue(t.contains("0.00608 peak RSS MB / 0.00304 weights MB"), t);
    assertTrue(t.contains(">= 0.50  PASS"), t);
    assertTrue(t.contains("<= 1.30  BELOW"), t);
    assertTrue(t.contains("GPU memory in use (device-wide, after runs)") && t.contains("unavailable: not measured"), t);
    assertTrue(t.contains("unavailable: DJL exposes no PyTorch allocator statistics"), t);
    assertTrue(!t.contains("left in the file") && !t.contains("native heap"), t);
    BenchReport.MemoryUsage gpu = new BenchReport.MemoryUsage(1000L, 4000L, 6080L, true, 3040L, 2_500_000_000L, null, null, 0, null);
    BenchReport r = report(List.of());
    String g = new BenchReport(r.environment(), r.model(), r.machine(), r.engine(), gpu, r.checks(), r.sections()).table();
    assertTrue(g.contains("GPU memory in use (device-wide, after runs)") && g.contains("2500.0 MB"), g);
    BenchReport.MemoryUsage cpu = new BenchReport.MemoryUsage(1000L, 4000L, 6080L, true, 3040L, null, "no GPU", null,
        1_310_720_000L, "glibc 2.36 compact: mmap threshold 128 KiB, 1 arena");
    String c = new BenchReport(r.environment(), r.model(), r.machine(), r.engine(), cpu, r.checks(), r.sections()).table();
    assertTrue(c.contains("of which left in the file, read per row    1310.7 MB   (untied input embedding; not resident)"), c);
    assertTrue(c.contains("native heap                                   glibc 2.36 compact: mmap threshold 128 KiB, 1 arena"), c);
    // the inputs of each ratio are printed in their own sections too
    assertTrue(t.contains("prefill 3 tokens"), t);
    assertTrue(t.contains("1500000.0 tok/s"), t); // 3 tokens / 2e-6 s
    assertTrue(t.contains("decode batch 1, 4 steps after 3"), t);
    assertTrue(t.contains("1000.00 tok/s"), t);
    assertTrue(t.contains("copy bandwidth (read+write"), t);
    assertTrue(t.contains("20.00 GB/s"), t);
    assertTrue(t.contains("read bandwidth (sum"), t);
    assertTrue(t.contains("matrix-vector [1,4096]x[4096,4096]"), t);
    assertTrue(t.contains("baseline RSS (JVM + libtorch, before load)"), t);
    assertTrue(t.contains(ModelCost.PREFILL_FORMULA), t);
    assertTrue(t.contains(ModelCost.DECODE_FORMULA), t);
    assertTrue(t.contains("load average 3.50 (busy machine: timings are noisy)"), t);
  }

  @Test
  void jsonCarriesEveryBlockAndSections() throws Exception {
    Section kv = new Section("kv_decode", "decode per KV budget", List.of("budget", "tokens_per_second"),
        List.of(List.of(0.5, 123.0)));
    JsonNode doc = new ObjectMapper().readTree(report(List.of(kv)).toJson().toString());
    for (String key : List.of("environment", "model", "machine", "engine", "memory", "checks", "sections")) {
      assertTrue(doc.has(key), key);
    }
    assertEquals(760, doc.get("model").get("params").asLong());
    assertEquals(3808.0, doc.get("model").get("prefill_flops").asDouble());
    assertEquals(2.0, doc.get("machine").get("matmul_gflops").asDouble());
    assertEquals(0.004, doc.get("machine").get("read_gbps").asDouble());
    assertEquals(1000.0, doc.get("engine").get("decode_tokens_per_second_median").asDouble());
    assertEquals(6080, doc.get("memory").get("peak_rss").asLong());
    assertEquals("BELOW", doc.get("checks").get(2).get("mark").asText());
    assertEquals(0.952, doc.get("checks").get(0).get("ratio").asDouble(), 1e-9);
    assertEquals(123.0, doc.get("sections").get(0).get("rows").get(0).get("tokens_per_second").asDouble());
  }
}
