package dev.harness.engine;

import java.util.List;

/**
 * Teacher forcing on token ids: the log-prob of each continuation id after the context ids, fed exactly as given (no
 * re-tokenisation, so scored tokens align one to one with sampled ones).
 */
public interface IdScoring {
  /** Per continuation id: its piece, id, log-prob and whether it was the argmax. */
  List<TokenScore> scoreIds(int[] context, int[] continuation);

  /** As {@link #scoreIds}, with the {@code topK} most probable tokens at each position (as generation reports them). */
  List<TokenLogprob> scoreIdsTop(int[] context, int[] continuation, int topK);

  /** Several id pairs in one batch; element {@code i} equals {@code scoreIds(contexts.get(i), continuations.get(i))}. */
  List<List<TokenScore>> scoreIdsBatch(List<int[]> contexts, List<int[]> continuations);
}
