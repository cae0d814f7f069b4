package dev.harness.engine;

/**
 * The next-token distribution over the whole vocabulary ({@link NextToken#fullVocabulary()} true, rest mass 0), where
 * {@link Engine#nextToken} over an API gives only its top entries.
 */
public interface FullNextToken {
  NextToken fullNextToken(Prompt prompt);
}
