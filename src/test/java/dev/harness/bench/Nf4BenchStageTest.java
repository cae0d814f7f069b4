package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.WeightBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class Nf4BenchStageTest {
  @Test
  void bytesChecksAreRatiosToFloat16() {
    long n = 64L * 256 * 4;
    WeightBytes f32 = new WeightBytes(n, 4 * n, 4 * n, 2 * n);
    WeightBytes nf4 = new WeightBytes(n, n / 2 + n / 16, 4 * n, 2 * n); // 0.5625 B/weight
    WeightBytes bad = new WeightBytes(n, n, 4 * n, 2 * n); // 1 B/weight: 0.5 x float16
    BenchStage.Result r = Nf4BenchStage.result(List.of(new Nf4BenchStage.Row("nf4", nf4, 1.0, 5.0),
        new Nf4BenchStage.Row("int8", bad, 1.0, 8.0)), f32, 10.0);
    Check c = r.checks().get(0);
    assertEquals(0.28125, c.ratio(), 1e-12);
    assertTrue(c.pass());
    assertEquals(0.5, r.checks().get(1).ratio(), 1e-12);
    assertFalse(r.checks().get(1).pass());
    assertEquals(3, r.section().rows().size());
    assertEquals(0.5, r.section().rows().get(1).get(8)); // decode 5 vs float 10
    assertEquals(0.5625, r.section().rows().get(1).get(4));
  }
}
