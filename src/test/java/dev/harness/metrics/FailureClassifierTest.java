package dev.harness.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

  @Test
  void infrastructureTypes() {
    assertTrue(FailureType.RATE_LIMITED.isInfrastructure());
    assertTrue(FailureType.TIMEOUT.isInfrastructure());
    assertTrue(FailureType.ENGINE_ERROR.isInfrastructure());
    for (FailureType t : List.of(FailureType.EMPTY_OUTPUT, FailureType.TRUNCATED, FailureType.REFUSAL,
        FailureType.FORMAT_ERROR)) {
      assertFalse(t.isInfrastructure(), t.name());
    }
    assertEquals(FailureType.RATE_LIMITED, FailureType.ofErrorKind("RATE_LIMITED"));
    assertEquals(FailureType.TIMEOUT, FailureType.ofErrorKind("TIMEOUT"));
    assertEquals(FailureType.ENGINE_ERROR, FailureType.ofErrorKind("ENGINE_ERROR"));
  }

  @Test
  void fromErrorEvidence() {
    Failure f = FailureClassifier.fromError("RATE_LIMITED", 429, "Too Many Requests", 6);
    assertEquals(new Failure(FailureType.RATE_LIMITED, "status=429 attempts=6: Too Many Requests"), f);
    Failure g = FailureClassifier.fromError("ENGINE_ERROR", null, "connection refused", 3);
    assertEquals("attempts=3: connection refused", g.evidence());
    assertEquals(FailureType.ENGINE_ERROR, g.type());
    assertEquals("status=504 attempts=1: (no message)",
        FailureClassifier.fromError("TIMEOUT", 504, null, 1).evidence());
  }

  @Test
  void fineOutputHasNoFailure() {
    assertEquals(List.of(), FailureClassifier.classifyOutput("Paris", "stop", false));
    // a phrase inside an answer is not a refusal
    assertEquals(List.of(), FailureClassifier.classifyOutput("He said I cannot go.", "stop", false));
    // "I cannotate" is not "I cannot"; "Sorry Mr Smith" is not the whole-answer "sorry"
    assertEquals(List.of(), FailureClassifier.classifyOutput("I cannotate", null, false));
    assertEquals(List.of(), FailureClassifier.classifyOutput("Sorry Mr Smith", null, false));
  }

  @Test
  void emptyOutput() {
    assertEquals(List.of(new Failure(FailureType.EMPTY_OUTPUT, "no text")),
        FailureClassifier.classifyOutput(null, "stop", false));
    assertEquals(List.of(FailureType.EMPTY_OUTPUT),
        types(FailureClassifier.classifyOutput(" \n\t", "stop", false)));
  }

  @Test
  void truncation() {
    assertEquals(List.of(new Failure(FailureType.TRUNCATED, "finish_reason=length")),
        FailureClassifier.classifyOutput("a long answer", "length", false));
    assertEquals(List.of(new Failure(FailureType.TRUNCATED, "prompt truncated to fit the context window")),
        FailureClassifier.classifyOutput("Paris", "stop", true));
    assertEquals(List.of(new Failure(FailureType.TRUNCATED,
            "finish_reason=length; prompt truncated to fit the context window")),
        FailureClassifier.classifyOutput("x", "LENGTH", true));
    // empty and truncated at once (e.g. a thinking model that ran out of tokens)
    assertEquals(List.of(FailureType.EMPTY_OUTPUT, FailureType.TRUNCATED),
        types(FailureClassifier.classifyOutput("", "length", false)));
  }

  @Test
  void refusals() {
    assertEquals(List.of(new Failure(FailureType.REFUSAL, "I'm sorry")),
        FailureClassifier.classifyOutput("I'm sorry, but I can't help with that.", "stop", false));
    assertEquals("i CANNOT", FailureClassifier.refusalPhrase("  \"i CANNOT answer this\""));
    assertEquals("I can\u2019t", FailureClassifier.refusalPhrase("I can\u2019t do that"));
    assertEquals("As an AI", FailureClassifier.refusalPhrase("As an AI language model, I ..."));
    assertEquals("I won't", FailureClassifier.refusalPhrase("I won't."));
    assertEquals("I am unable", FailureClassifier.refusalPhrase("I am unable to comply"));
    assertEquals("Sorry", FailureClassifier.refusalPhrase("Sorry."));
    assertNull(FailureClassifier.refusalPhrase("I don't know"));
    assertNull(FailureClassifier.refusalPhrase("I have no comment."));
    // refusal and truncated together
    assertEquals(List.of(FailureType.TRUNCATED, FailureType.REFUSAL),
        types(FailureClassifier.classifyOutput("I cannot", "length", false)));
  }

  @Test
  void formatError() {
    assertEquals(new Failure(FailureType.FORMAT_ERROR, "no parsable choice"),
        FailureClassifier.formatError("no parsable choice"));
    assertEquals("", new Failure(FailureType.FORMAT_ERROR, null).evidence());
  }

  private static List<FailureType> types(List<Failure> fs) {
    return fs.stream().map(Failure::type).toList();
  }
}
