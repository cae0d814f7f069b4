package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.ErrorKind;
import dev.harness.metrics.FailureType;
import org.junit.jupiter.api.Test;

/** The stored engine error kind names map onto the infrastructure failure types (the edge metrics no longer has). */
class ErrorKindMappingTest {
  @Test
  void everyErrorKindIsAnInfrastructureType() {
    for (ErrorKind k : ErrorKind.values()) {
      FailureType t = FailureType.ofErrorKind(k.name());
      assertEquals(k.name(), t.name());
      assertTrue(t.isInfrastructure(), k.name());
    }
    assertEquals(3, ErrorKind.values().length);
  }

  @Test
  void outputFailuresAreNotErrorKinds() {
    assertThrows(IllegalArgumentException.class, () -> FailureType.ofErrorKind("REFUSAL"));
    assertThrows(IllegalArgumentException.class, () -> FailureType.ofErrorKind("nope"));
    assertThrows(IllegalArgumentException.class, () -> FailureType.ofErrorKind(null));
  }
}
