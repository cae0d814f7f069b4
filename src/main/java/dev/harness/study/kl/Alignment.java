package dev.harness.study.kl;

/**
 * How positions of A's and B's samples are put side by side when the dumps carry no teacher-forced scores.
 *
 * <ul>
 *   <li>{@code matched} (default): sample i of A is paired with sample i of B (by sample_index rank); position t is
 *       compared only while the two samples agree on tokens 0..t-1, i.e. while both top-k lists condition on the same
 *       prefix. Valid, but usually few positions per pair past the first differing token.
 *   <li>{@code positional}: every position t below both lengths, whatever the prefixes (the seed's alignment; flagged
 *       POSITIONAL_ALIGNMENT because the distributions after the first differing token condition on different
 *       prefixes).
 * </ul>
 * With teacher-forced scores ({@code cross}) every position of each sample is compared and this setting is unused.
 */
public enum Alignment {
  MATCHED,
  POSITIONAL
}
