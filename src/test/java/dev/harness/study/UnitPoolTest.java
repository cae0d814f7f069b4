package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class UnitPoolTest {
  private final StringWriter log = new StringWriter();
  private final StudyContext ctx =
      new StudyContext(null, "exp.yaml", null, null, null, null, null, null, new PrintWriter(log), false);

  @Test
  void eachCountsOkAndFailedUnitsAndRunsEveryUnitOnce() {
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    UnitPool.Tally n = UnitPool.each(ctx, "run v", 3, List.of(1, 2, 3, 4, 5, 6, 7), u -> {
      assertTrue(seen.add(u));
      return u % 3 != 0;
    });
    assertEquals(new UnitPool.Tally(7, 5, 2), n);
    assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7), seen);
    // without a console the last step is always logged, with the final counts
    assertTrue(log.toString().contains("[run v] 7/7 (5 ok, 2 failed)"), log.toString());
  }

  @Test
  void aTaskMayReportSeveralUnits() {
    List<UnitPool.Task> tasks = List.of(
        o -> { o.record(true); o.record(false); o.record(true); },
        o -> o.record(false));
    assertEquals(new UnitPool.Tally(4, 2, 2), UnitPool.run(ctx, "run", 1, 4, tasks));
    assertTrue(log.toString().contains("[run] 4/4 (2 ok, 2 failed)"), log.toString());
  }

  @Test
  void aWorkerThatThrowsEndsThePhaseNamingTheCause() {
    PhaseException e = assertThrows(PhaseException.class, () -> UnitPool.each(ctx, "run", 2, List.of(1, 2), u -> {
      if (u == 2) throw new IllegalStateException("boom");
      return true;
    }));
    assertTrue(e.getMessage().contains("worker failed: java.lang.IllegalStateException: boom"), e.getMessage());
    assertTrue(e.getMessage().contains("exp.yaml"), e.getMessage());
  }
}
