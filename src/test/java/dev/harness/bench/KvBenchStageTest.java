package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `harness bench --kv` on the tiny shape: keys, the kept-bytes ratio math and budget order; no timing is asserted. */
class KvBenchStageTest {

  @Test
  void budgetsAreSortedDescendingWithTheReferenceAdded() {
    assertEquals(List.of(1.0, 0.5, 0.2), new KvBenchStage(64, List.of(0.2, 0.5), "snapkv", null).budgets());
    assertEquals(List.of(1.0, 0.3), new KvBenchStage(64, List.of(0.3, 1.0, 0.3), "knorm", null).budgets());
    assertThrows(IllegalArgumentException.class, () -> new KvBenchStage(64, List.of(0.0), "snapkv", null));
    assertThrows(IllegalArgumentException.class, () -> new KvBenchStage(64, List.of(1.5), "snapkv", null));
    assertThrows(IllegalArgumentException.class, () -> new KvBenchStage(64, List.of(0.5), "nope", null));
    assertThrows(IllegalArgumentException.class, () -> new KvBenchStage(1, List.of(0.5), "snapkv", null));
  }

  @Test
  void resultRatiosAndChecks() {
    long full = 1000;
    List<KvBenchStage.Row> rows = List.of(
        new KvBenchStage.Row(1.0, 100, full, full, 20.0, 50.0, 800L, 700L),
        new KvBenchStage.Row(0.5, 50, 500, full, 25.0, 40.0, 760L, 700L),
        new KvBenchStage.Row(0.2, 21, 210, full, 30.0, 1000 / 30.0, 740L, 700L));
    ModelCost cost = new ModelCost(1000, 800, 100, 900, 4, 2, 4, 16); // 3600 streamed bytes per token
    BenchStage.Result r = KvBenchStage.result(rows, cost, "snapkv", 100);
    Section s = r.section();
    assertEquals("kv", s.key());
    assertEquals(List.of(1.0, 0.5, 0.2), s.rows().stream().map(x -> x.get(0)).toList());
    int keptVs = s.columns().indexOf("kept_vs_budget_full");
    assertEquals(1.0, (double) s.rows().get(1).get(keptVs), 1e-12);
    assertEquals(210 / (0.2 * 1000), (double) s.rows().get(2).get(keptVs), 1e-9);
    assertEquals(1.5, (double) s.rows().get(2).get(s.columns().indexOf("decode_vs_full")), 1e-9);
    assertEquals(0.925, (double) s.rows().get(2).get(s.columns().indexOf("peak_vs_full")), 1e-9);
    assertEquals(2, r.checks().size());
    assertTrue(r.checks().get(0).pass());
    assertEquals("kv_kept_bytes_b0.2", r.checks().get(1).key());
    assertFalse(r.checks().get(1).pass(), "5% over b x full is outside 1%");
    Check t = r.machineChecks().get(0).apply(new MachineLimits(1, 1, 1, 1, 1, 1, 1, 3.6e-6)); // 3600 B at 3.6 kB/s = 1 s
    assertEquals(1000 / 30.0, t.numerator(), 1e-9);
    assertEquals(1000.0, t.denominator(), 1e-9);
  }

  @Test
  void tinyShapeJsonHasTheKvSection() throws Exception {
    String[] args = BenchCommandTest.with(BenchCommandTest.TINY, "--json", "--kv", "--kv-context", "200",
        "--kv-budgets", "0.2,1.0,0.5", "--kv-policy", "snapkv");
    BenchCommandTest.Result r = BenchCommandTest.run(args);
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode kv = null;
    for (JsonNode s : doc.get("sections")) if (s.get("key").asText().equals("kv")) kv = s;
    assertTrue(kv != null, r.out());
    JsonNode rows = kv.get("rows");
    assertEquals(3, rows.size());
    List<Double> budgets = new ArrayList<>();
    BenchShape tiny = BenchShape.tiny();
    long fullBytes = (long) tiny.layers() * 2 * tiny.kvHeads() * 200 * tiny.headDim() * 4;
    for (JsonNode row : rows) {
      for (String k : List.of("budget", "n_kept", "kept_kv_bytes", "full_kv_bytes", "kept_vs_budget_full",
          "decode_tok_s", "decode_vs_full", "decode_ms_per_token", "peak_rss_mb", "peak_vs_full")) {
        assertTrue(row.has(k), k + " in " + row);
      }
      double b = row.get("budget").asDouble();
      budgets.add(b);
      int nKept = (int) Math.ceil(b * 200 - 1e-9);
      assertEquals(nKept, row.get("n_kept").asInt());
      assertEquals(fullBytes, row.get("full_kv_bytes").asLong());
      assertEquals((long) tiny.layers() * 2 * tiny.kvHeads() * nKept * tiny.headDim() * 4, row.get("kept_kv_bytes").asLong());
      assertEquals(row.get("kept_kv_bytes").asDouble() / (b * fullBytes), row.get("kept_vs_budget_full").asDouble(), 1e-5);
      assertTrue(row.get("decode_tok_s").asDouble() > 0);
    }
    assertEquals(List.of(1.0, 0.5, 0.2), budgets);
    assertEquals(1.0, rows.get(0).get("decode_vs_full").asDouble(), 1e-9);
    List<String> keys = new ArrayList<>();
    for (JsonNode c : doc.get("checks")) keys.add(c.get("key").asText());
    assertTrue(keys.containsAll(List.of("kv_kept_bytes_b0.5", "kv_kept_bytes_b0.2", "kv_decode_vs_weights_only")), keys.toString());
    for (JsonNode c : doc.get("checks")) {
      if (c.get("key").asText().startsWith("kv_kept_bytes")) assertTrue(c.get("pass").asBoolean(), c.toString());
    }
  }

  @Test
  void badKvUsageExits2() {
    assertEquals(2, BenchCommandTest.run(BenchCommandTest.with(BenchCommandTest.TINY, "--kv", "--kv-budgets", "0")).code());
    assertEquals(2, BenchCommandTest.run(BenchCommandTest.with(BenchCommandTest.TINY, "--kv", "--kv-policy", "nope")).code());
    BenchCommandTest.Result r = BenchCommandTest.run(BenchCommandTest.with(BenchCommandTest.TINY, "--kv", "--kv-context", "600"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--kv-context"), r.err());
  }
}
