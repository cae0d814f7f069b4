package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `harness bench --mc`: request shapes, the ratio math and option checks; no timing is asserted. */
class McBenchStageTest {

  @Test
  void documentsHaveTheArcEasyShapeAndAreSeeded() {
    List<int[][]> a = McBenchStage.documents(1000, 5, 3);
    List<int[][]> b = McBenchStage.documents(1000, 5, 3);
    assertEquals(5, a.size());
    for (int d = 0; d < 5; d++) {
      assertEquals(1 + McBenchStage.CHOICES, a.get(d).length);
      assertEquals(McBenchStage.CONTEXT_TOKENS, a.get(d)[0].length);
      for (int c = 1; c <= McBenchStage.CHOICES; c++) {
        assertTrue(a.get(d)[c].length >= 2 && a.get(d)[c].length <= 6);
        assertArrayEquals(a.get(d)[c], b.get(d)[c]);
      }
    }
  }

  @Test
  void ratioOfBatchedToUnbatched() {
    BenchStage.Result r = McBenchStage.result(List.of(new McBenchStage.Row("unbatched", 1, 32, 8.0),
        new McBenchStage.Row("shared-context batched", 8, 32, 20.0)), 1e-7);
    Section s = r.section();
    assertEquals("mc", s.key());
    assertEquals(2.5, (double) s.rows().get(1).get(s.columns().indexOf("vs_unbatched")), 1e-12);
    assertEquals(1.0, (double) s.rows().get(0).get(s.columns().indexOf("vs_unbatched")), 1e-12);
    Check c = r.checks().get(0);
    assertEquals(2.5, c.ratio(), 1e-12);
    assertTrue(c.pass());
    assertFalse(McBenchStage.result(List.of(new McBenchStage.Row("unbatched", 1, 32, 8.0),
        new McBenchStage.Row("shared-context batched", 8, 32, 4.0)), 0).checks().get(0).pass());
    assertTrue(s.title().contains("1.00e-07"), s.title());
    BenchStage.Result three = McBenchStage.result(List.of(new McBenchStage.Row("unbatched", 1, 32, 8.0),
        new McBenchStage.Row("shared-context batched", 8, 32, 20.0), new McBenchStage.Row("shared prefix (KV cache)", 4, 32, 12.0)), 0);
    assertEquals(2, three.checks().size());
    assertEquals(1.5, three.checks().get(1).ratio(), 1e-12);
    assertEquals(1.5, (double) three.section().rows().get(2).get(s.columns().indexOf("vs_unbatched")), 1e-12);
  }

  @Test
  void badOptions() {
    assertThrows(IllegalArgumentException.class, () -> new McBenchStage(0, 8, null));
    assertThrows(IllegalArgumentException.class, () -> new McBenchStage(4, 1, null));
  }
}
