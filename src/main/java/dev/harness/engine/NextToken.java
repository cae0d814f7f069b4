package dev.harness.engine;

import java.util.List;

/**
 * A next-token distribution: the {@code top} entries, most probable first, and the probability mass outside them
 * ({@code restMass}, 0 when the full vocabulary is returned). {@code vocabSize} is -1 when unknown.
 */
public record NextToken(List<TopLogprob> top, double restMass, int vocabSize, boolean fullVocabulary) {
  public NextToken {
    top = List.copyOf(top);
  }
}
