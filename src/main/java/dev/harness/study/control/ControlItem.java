package dev.harness.study.control;

import dev.harness.metrics.control.ControlTarget;

/**
 * One grid item: the case (given_words, random_words, icl_random_words), the prompt variant (plain, sp), the word pair
 * (given words) or the seed (random words), p (q = 100 − p), r, and the split (eval, or train for the fine-tuning
 * file). {@code pairIndex} numbers the pair or seed within its split.
 */
public record ControlItem(String itemId, String caseName, String variant, int pairIndex, String word1, String word2,
    Long seed, int p, int r, String split) {

  public static final String GIVEN = "given_words";
  public static final String RANDOM = "random_words";
  public static final String ICL = "icl_random_words";

  public int q() { return 100 - p; }

  public boolean givenWords() { return GIVEN.equals(caseName); }

  public ControlTarget target() { return new ControlTarget(givenWords(), word1, word2, p, r); }

  static String id(String caseName, String variant, String split, int pairIndex, int p, int r) {
    String what = GIVEN.equals(caseName) ? "pair" : "seed";
    return String.format(java.util.Locale.ROOT, "%s/%s/%s%02d/p%d/r%d%s", caseName, variant, what, pairIndex, p, r,
        "eval".equals(split) ? "" : "/" + split);
  }
}
