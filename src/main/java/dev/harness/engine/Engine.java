package dev.harness.engine;

import java.util.List;
import java.util.Optional;

/**
 * One model behind one interface, whatever serves it (an OpenAI-compatible server or the in-process engine).
 * Implementations are thread-safe: studies call them from several threads up to the configured concurrency.
 */
public interface Engine extends AutoCloseable {

  /** Text plus per-token log-probs (when asked), finish reason and telemetry. Throws {@link EngineException} on failure. */
  Completion complete(CompletionRequest request);

  /** Teacher-forced log-probs of {@code continuation} after {@code context} (lm-eval's loglikelihood split). */
  List<TokenScore> score(String context, String continuation);

  /** The next-token distribution after a prompt (which may end in an assistant prefill); {@code topK <= 0} asks for the full vocabulary. */
  NextToken nextToken(Prompt prompt, int topK);

  EngineInfo info();

  /**
   * This engine's view as capability {@code type} ({@link TokenIds}, {@link BatchGeneration}, {@link IdGeneration},
   * {@link BatchScoring}, {@link IdScoring}, {@link SharedPrefixScoring}, {@link CompressedLoglik},
   * {@link FullNextToken}, {@link InProcess}), or empty when it cannot do that. Studies ask this instead of testing
   * for a concrete engine class. The default answers by {@code instanceof}; an engine whose abilities depend on its
   * server (an HTTP engine that probes {@code /tokenize}) overrides it.
   */
  default <T> Optional<T> as(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** Whether {@link #as} gives {@code type}. */
  default boolean can(Class<?> type) { return as(type).isPresent(); }

  @Override
  void close();
}
