package dev.harness.engine;

import java.util.List;

/**
 * Several continuations of one context, the context computed once and each continuation scored on top of it (an
 * mc document's choices); element {@code i} equals {@link Engine#score}{@code (context, continuations.get(i))}.
 */
public interface SharedPrefixScoring {
  List<List<TokenScore>> scoreShared(String context, List<String> continuations);
}
