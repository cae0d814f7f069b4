package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.config.StudyKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepTest {
  private static Step step(Phase p) {
    return new Step(p, (in, c, ctx) -> in.put(p.id(), null), ctx -> true, ctx -> "did " + p.id());
  }

  private static List<Step> steps(Phase... phases) { return java.util.Arrays.stream(phases).map(StepTest::step).toList(); }

  @Test
  void aStudyKeepsItsFivePhasesInPhaseOrder() {
    Study s = new Study(StudyKind.KL, steps(Phase.values()), ctx -> null);
    assertEquals(List.of(Phase.values()), s.steps().stream().map(Step::phase).toList());
    assertEquals("did score", s.steps().get(2).execute(null));
    assertEquals("kl", s.name());
  }

  @Test
  void aStudyWithAMissingOrSwappedPhaseIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Study(StudyKind.MC_EVAL,
        steps(Phase.PREPARE, Phase.SCORE, Phase.RUN, Phase.ANALYZE, Phase.REPORT), ctx -> null));
    assertEquals("mc_eval: steps must be [PREPARE, RUN, SCORE, ANALYZE, REPORT] in that order, got "
        + "[PREPARE, SCORE, RUN, ANALYZE, REPORT]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Study(StudyKind.KL, steps(Phase.PREPARE, Phase.RUN), ctx -> null));
  }

  @Test
  void inputsKeepNullValuesSoTheirKeysAreFingerprinted() {
    Map<String, Object> in = step(Phase.RUN).inputsOf(new StudyContext(null, "x.yaml", null, null, null, null, null,
        null, null, false));
    assertEquals("{\"run\":null}", PhaseRunner.canonical(in));
  }

  @Test
  void everyShippedStudyIsRegisteredUnderItsKind() {
    for (StudyKind kind : StudyKind.values()) assertEquals(kind, StudyRegistry.forName(kind.id(), "x.yaml").kind());
  }
}
