package dev.harness.engine;

/**
 * Log-likelihood of an answer through a compressed KV cache: the prompt's cache is compressed per {@code kv} (the
 * same protocol as {@link Engine#complete} with that spec), then the answer is teacher-forced through it. The
 * kv_transition study's {@code answer_loglik} metric needs it.
 */
public interface CompressedLoglik {
  /** {@code kv} null: uncompressed. */
  AnswerLoglik answerLoglik(Prompt prompt, String answer, KvSpec kv);
}
