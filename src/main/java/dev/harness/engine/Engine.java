package dev.harness.engine;

import java.util.List;

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

  @Override
  void close();
}
