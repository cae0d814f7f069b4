package dev.harness.engine;

/**
 * Token ids in and out: the ids an engine would feed for a prompt (its chat template and special tokens applied), the
 * ids of a continuation after that prompt, and the window they must fit. Lets a study cut prompts to the window in
 * ids and teacher-force exactly the ids it sampled.
 */
public interface TokenIds {
  /** The prompt's ids as the engine feeds them (rendered chat template or text, special tokens, open prefill). */
  int[] promptIds(Prompt prompt);

  /**
   * The ids of {@code continuation} after the rendered {@code prompt} (lm-eval's split: ids(prompt + continuation)
   * after ids(prompt)).
   */
  int[] continuationIds(Prompt prompt, String continuation);

  /** The most tokens one sequence may hold (the model's context window). */
  int contextWindow();
}
