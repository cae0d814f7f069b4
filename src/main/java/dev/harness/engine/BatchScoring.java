package dev.harness.engine;

import java.util.List;

/**
 * Several (context, continuation) pairs teacher-forced in one call; element {@code i} equals
 * {@link Engine#score}{@code (contexts.get(i), continuations.get(i))}.
 */
public interface BatchScoring {
  List<List<TokenScore>> scoreBatch(List<String> contexts, List<String> continuations);
}
