package dev.harness.engine;

import java.util.List;

/**
 * Generation from token ids, batched: {@code promptIds.get(i)} is fed exactly as given (no template, no
 * re-tokenisation) with the sampling settings of {@code requests.get(i)} (its own seed). Results in order.
 */
public interface IdGeneration {
  List<Completion> completeIds(List<int[]> promptIds, List<CompletionRequest> requests);
}
