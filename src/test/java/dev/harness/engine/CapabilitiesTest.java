package dev.harness.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.openai.OpenAiEngine;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The capability table agrees with what the engine classes implement, and {@link Engine#as} answers by type. */
class CapabilitiesTest {
  @Test
  void theLocalEngineImplementsEveryCapabilityTheTableGivesIt() {
    Set<Class<?>> local = Capabilities.guaranteed("local", null);
    assertEquals(9, local.size());
    for (Class<?> c : local) assertTrue(c.isAssignableFrom(LocalEngine.class), c.getSimpleName());
  }

  @Test
  void theHttpEngineImplementsWhatTheTableGuaranteesAndNoLocalOnlyOne() {
    for (String endpoint : List.of("chat", "completions")) {
      for (Class<?> c : Capabilities.guaranteed("openai", endpoint)) {
        assertTrue(c.isAssignableFrom(OpenAiEngine.class), endpoint + ": " + c.getSimpleName());
      }
    }
    assertEquals(Set.of(BatchScoring.class), Capabilities.guaranteed("openai", "chat"));
    assertEquals(Set.of(BatchScoring.class, BatchGeneration.class), Capabilities.guaranteed("openai", "completions"));
    for (Class<?> c : List.of(TokenIds.class, IdGeneration.class, IdScoring.class, SharedPrefixScoring.class,
        CompressedLoglik.class, FullNextToken.class, InProcess.class)) {
      assertFalse(c.isAssignableFrom(OpenAiEngine.class), c.getSimpleName()); // TokenIds comes from a probe, not the class
    }
  }

  @Test
  void everyCapabilityHasAJobAndDescribesItself() {
    assertEquals("CompressedLoglik (log-likelihood through a compressed KV cache)",
        Capabilities.describe(CompressedLoglik.class));
    for (Class<?> c : Capabilities.JOBS.keySet()) assertTrue(c.isInterface() && c.getPackageName().equals("dev.harness.engine"));
  }

  @Test
  void asAnswersByTypeByDefault() {
    Engine scoringOnly = new Scorer();
    assertEquals(Optional.of(scoringOnly), scoringOnly.as(BatchScoring.class));
    assertTrue(scoringOnly.can(BatchScoring.class));
    assertTrue(scoringOnly.as(TokenIds.class).isEmpty());
    assertFalse(scoringOnly.can(InProcess.class));
  }

  /** A test double: an engine with one capability. */
  private static final class Scorer implements Engine, BatchScoring {
    @Override public Completion complete(CompletionRequest request) { throw new UnsupportedOperationException(); }
    @Override public List<TokenScore> score(String context, String continuation) { return List.of(); }
    @Override public NextToken nextToken(Prompt prompt, int topK) { throw new UnsupportedOperationException(); }
    @Override public EngineInfo info() { throw new UnsupportedOperationException(); }
    @Override public void close() {}
    @Override public List<List<TokenScore>> scoreBatch(List<String> c, List<String> k) { return List.of(); }
  }
}
