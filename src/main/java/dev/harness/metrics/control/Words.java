package dev.harness.metrics.control;

import java.util.Locale;

/**
 * The word a token stands for, so that token variants merge: SentencePiece's {@code ▁} and byte-level BPE's {@code Ġ}
 * read as spaces, surrounding whitespace is dropped and case is folded ({@code " Red"}, {@code "red"}, {@code "▁RED"}
 * → {@code "red"}).
 */
public final class Words {
  private Words() {}

  public static String normalize(String token) {
    if (token == null) return "";
    String t = token.replace('\u2581', ' ').replace('\u0120', ' ');
    return t.strip().toLowerCase(Locale.ROOT);
  }

  /** Whether a normalised token is a word (holds at least one letter or digit): punctuation and spaces are not. */
  public static boolean isWord(String normalized) {
    for (int i = 0; i < normalized.length(); i++) {
      if (Character.isLetterOrDigit(normalized.charAt(i))) return true;
    }
    return false;
  }
}
