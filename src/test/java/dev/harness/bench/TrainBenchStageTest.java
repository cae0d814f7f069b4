package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code harness bench --train}: the table's ratio math by hand and the tiny-shape run's section; no timing asserted. */
class TrainBenchStageTest {
  @Test
  void ratiosAndTheNf4BytesCheck() {
    var rows = List.of(
        new TrainBenchStage.Row("float32", 2.0, 128.0, 4_000_000, 1_000_000, 100_000_000L, 180_000_000L, 5.0),
        new TrainBenchStage.Row("nf4", 1.0, 64.0, 520_000, 1_000_000, 100_000_000L, 120_000_000L, 5.0));
    BenchStage.Result r = TrainBenchStage.result(rows, 64);
    Section s = r.section();
    assertEquals(0.5, (double) s.rows().get(1).get(s.columns().indexOf("steps_vs_float")), 1e-12);
    assertEquals(0.52, (double) s.rows().get(1).get(s.columns().indexOf("bytes_per_weight")), 1e-12);
    assertEquals(0.25, (double) s.rows().get(1).get(s.columns().indexOf("peak_over_start_vs_float")), 1e-12, "20 MB / 80 MB");
    assertEquals(1, r.checks().size());
    Check c = r.checks().get(0);
    assertEquals(0.26, c.ratio(), 1e-12, "0.52 MB / 2.0 MB of float16");
    assertTrue(c.pass());
    var over = TrainBenchStage.result(List.of(rows.get(0),
        new TrainBenchStage.Row("nf4", 1.0, 64.0, 700_000, 1_000_000, null, null, 5.0)), 64);
    assertFalse(over.checks().get(0).pass(), "0.35 > 0.30");
    assertEquals("n/a", over.section().rows().get(1).get(s.columns().indexOf("peak_rss_mb")));
  }

  @Test
  void tinyShapeJsonHasTheTrainSection() throws Exception {
    BenchCommandTest.Result r = BenchCommandTest.run(BenchCommandTest.with(BenchCommandTest.TINY, "--json", "--train",
        "--train-tokens", "16", "--train-steps", "1"));
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode train = null;
    for (JsonNode s : doc.get("sections")) if (s.get("key").asText().equals("train")) train = s;
    assertTrue(train != null, r.out());
    assertEquals(3, train.get("rows").size());
    assertEquals("nf4_dq", train.get("rows").get(2).get("base").asText());
    double dq = train.get("rows").get(2).get("bytes_per_weight").asDouble();
    assertEquals("float32", train.get("rows").get(0).get("base").asText());
    assertEquals(4.0, train.get("rows").get(0).get("bytes_per_weight").asDouble(), 1e-9);
    double nf4 = train.get("rows").get(1).get("bytes_per_weight").asDouble();
    assertEquals(0.5 + 4.0 / 64, nf4, 1e-9, "NF4: 0.5 B codes + a float32 absmax per 64 weights");
    assertTrue(dq > 0.5 && dq < nf4, "double quantization: int8 absmax (+ per-256 scales) per block, got " + dq);
    assertTrue(train.get("rows").get(1).get("steps_s").asDouble() > 0);
  }
}
