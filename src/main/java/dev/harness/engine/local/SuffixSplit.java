package dev.harness.engine.local;

import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;

/**
 * Where the question (a request's protected suffix) starts in a rendered prompt's token ids, found by token
 * boundaries, never by decoding: the suffix's character offset in the rendered text (its last occurrence; else that of
 * its stripped form) is mapped onto the tokenizer's own character offsets of {@code encodeIds(text)}. The split is the
 * first token that ends after that offset, so a token straddling the boundary goes with the question (which stays
 * whole); tokens without a span (a BOS added by the post-processor) stay where they are. Works for word-level
 * tokenizers whose decode does not reproduce the text, byte-level BPE and SentencePiece alike.
 */
final class SuffixSplit {
  private SuffixSplit() {}

  /**
   * The index in {@code encodeIds(rp.text(), rp.addSpecialTokens())} where {@code suffix} starts. Throws
   * IllegalArgumentException when the suffix is not in the rendered prompt.
   */
  static int at(HfTokenizer tokenizer, RenderedPrompt rp, String suffix) {
    String text = rp.text();
    int at = text.lastIndexOf(suffix);
    if (at < 0) at = text.lastIndexOf(suffix.strip());
    if (at < 0) {
      throw new IllegalArgumentException("the protected suffix ("
          + (suffix.length() > 60 ? suffix.substring(0, 60) + "…" : suffix) + ") is not in the prompt");
    }
    return boundary(tokenizer.tokenEnds(text, rp.addSpecialTokens()), text.codePointCount(0, at));
  }

  /** The first token whose end (in code points; −1: no span) lies after {@code at}; ends.length when none does. */
  static int boundary(int[] ends, int at) {
    for (int i = 0; i < ends.length; i++) {
      if (ends[i] > at) return i;
    }
    return ends.length;
  }
}
