package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The --kl stage measures both sizes over the real comparison; its figures are counts, not timings. */
class KlBenchStageTest {
  @Test
  void measuresATenthAndTheFullSizeWithTokenCounts() {
    BenchConfig cfg = new BenchConfig(null, BenchShape.named("tiny"), 3, 8, 2, 1, null, "float32", "auto", null,
        MachineProbe.Sizes.small(), List.of());
    BenchStage.Result r = new KlBenchStage(20, 2, 7, 3, null).run(new BenchStage.Context(null, null, null, cfg, null));
    Section s = r.section();
    assertEquals(2, s.rows().size());
    assertEquals(List.of(2, 2, 7, 3), s.rows().get(0).subList(0, 4));
    assertEquals(List.of(20, 2, 7, 3), s.rows().get(1).subList(0, 4));
    assertEquals(20L, s.rows().get(1).get(8), "every prompt compared");
    Check heap = r.checks().get(0);
    assertEquals("kl_heap_growth", heap.key());
    assertTrue(heap.numerator() > 0 && heap.denominator() > 0, heap.toString());
  }

  @Test
  void badSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new KlBenchStage(5, 1, 1, 1, null));
    assertThrows(IllegalArgumentException.class, () -> new KlBenchStage(10, 1, 1, 21, null));
  }
}
