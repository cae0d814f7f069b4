package dev.harness.engine.local.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.engine.KvSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kept counts against kvpress's {@code ScorerPress.compress} (NVIDIA/kvpress {@code kvpress/presses/scorer_press.py}):
 * {@code n_kept = max(1, int(k_len * (1 - compression_ratio)))} in IEEE doubles, compression_ratio = the decimal
 * complement of the budget. Each row: length, budget, the double k_len × (1 − ratio) as Python prints it, kvpress's
 * count, the harness default (ceil).
 */
class KeptCountTest {
  static final Object[][] ROWS = {
      // 1 - 0.7 = 0.30000000000000004; × 10 = 3.0000000000000004 -> int 3
      {10, 0.3, 3.0000000000000004, 3, 3},
      // 1 - 0.9 = 0.09999999999999998; × 100 = 9.999999999999998 -> 9 (ceil 10)
      {100, 0.1, 9.999999999999998, 9, 10},
      {101, 0.5, 50.5, 50, 51},
      {7, 0.1, 0.6999999999999998, 1, 1}, // int gives 0; max(1, ·) keeps one
      {3, 0.2, 0.5999999999999999, 1, 1},
      {1000, 0.7, 700.0, 700, 700}, // 1 - 0.3 = 0.7 exactly the double 0.7
      {10, 0.7, 7.0, 7, 7},
      {20, 0.1, 1.9999999999999996, 1, 2},
      {30, 0.1, 2.999999999999999, 2, 3},
      {8192, 0.1, 819.1999999999998, 819, 820},
      {4096, 0.3, 1228.8000000000002, 1228, 1229},
      {999, 0.25, 249.75, 249, 250},
      {5, 0.05, 0.2500000000000002, 1, 1},
      {1, 0.5, 0.5, 1, 1},
      {2, 0.5, 1.0, 1, 1},
      {10, 1.0, 10.0, 10, 10}, // compression_ratio 0: kvpress returns the cache unchanged
      {70, 0.1, 6.999999999999998, 6, 7},
      {1234, 0.7, 863.8, 863, 864},
      {3000, 0.9, 2700.0, 2700, 2700},
      {100, 0.3, 30.000000000000004, 30, 30},
      {110, 0.1, 10.999999999999998, 10, 11},
      {50, 0.1, 4.999999999999999, 4, 5},
      {6, 0.3, 1.8000000000000003, 1, 2},
  };

  @Test
  void kvpressCountsMatchScorerPressCompress() {
    for (Object[] r : ROWS) {
      int length = (Integer) r[0];
      double budget = (Double) r[1];
      double ratio = new java.math.BigDecimal(Double.toString(budget)).negate().add(java.math.BigDecimal.ONE).doubleValue();
      assertEquals((Double) r[2], length * (1 - ratio), 0, "product for " + length + " × " + budget);
      assertEquals(r[3], KeptCount.KVPRESS.kept(budget, length), length + " × " + budget + " (kvpress)");
      assertEquals(r[4], KeptCount.CEIL.kept(budget, length), length + " × " + budget + " (ceil)");
      assertEquals(r[3], new KvSpec("snapkv", budget, Map.of("rounding", "kvpress"), true, null).keptPositions(length));
      assertEquals(r[4], new KvSpec("snapkv", budget, Map.of(), true, null).keptPositions(length));
      assertEquals(r[4], new KvSpec("snapkv", budget, Map.of("rounding", "ceil"), true, null).keptPositions(length));
    }
  }

  @Test
  void unknownRoundingIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KeptCount.of(Map.of("rounding", "floor")));
    assertEquals("KV param rounding must be ceil or kvpress, got 'floor'", e.getMessage());
    assertEquals(KeptCount.CEIL, KeptCount.of(null));
    assertEquals(KeptCount.KVPRESS, KeptCount.of(Map.of("rounding", " KVPress ")));
  }
}
