package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.HarnessException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTest {
  @Test
  void idsAreTheLowerCaseNamesAndTheCommandNames() {
    assertEquals(List.of("prepare", "run", "score", "analyze", "report"), Phase.ids());
    assertEquals(List.of(Phase.Ids.PREPARE, Phase.Ids.RUN, Phase.Ids.SCORE, Phase.Ids.ANALYZE, Phase.Ids.REPORT),
        Phase.ids());
    assertEquals("all", Phase.Ids.ALL);
    assertEquals(Phase.ANALYZE, Phase.parse(" Analyze "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Phase.parse("all"));
    assertEquals("unknown phase 'all' (expected one of [prepare, run, score, analyze, report])", e.getMessage());
  }

  @Test
  void exitCodesOfTheFactories() {
    assertEquals(2, HarnessException.usage("--x: bad").exitCode());
    assertEquals(1, HarnessException.failure("boom").exitCode());
    IllegalStateException cause = new IllegalStateException();
    assertEquals(cause, HarnessException.usage("--x: bad", cause).getCause());
  }
}
