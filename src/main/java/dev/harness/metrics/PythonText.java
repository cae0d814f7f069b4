package dev.harness.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The two pieces of CPython 3 string semantics that LongBench's {@code normalize_answer} depends on, by code point.
 *
 * <ul>
 *   <li>{@link #isSpace}: {@code str.isspace()} and what {@code str.split()} (no arguments) splits on — Unicode
 *       bidirectional class WS, B or S, or category Zs: {@code \t \n \x0b \x0c \r \x1c \x1d \x1e \x1f}, space,
 *       {@code \x85 \xa0 \u1680 \u2000–\u200a \u2028 \u2029 \u202f \u205f \u3000}. Not U+200B, U+180E, U+2060, U+FEFF.
 *       Java's {@code (?U)\s} differs: it lacks {@code \x1c–\x1f}.
 *   <li>{@link #isWordChar}: {@code \w} of a {@code str} pattern in Python's {@code re} (sre's {@code
 *       SRE_UNI_IS_WORD}: {@code str.isalnum()} or {@code _}), which for every code point is general category L* or
 *       N*. So combining marks (Mn, Mc, Me), ZWJ/ZWNJ (Cf) and connector punctuation other than {@code _} (Pc) are
 *       <i>not</i> word characters, and superscript digits, fractions and circled numbers (No) <i>are</i>; Java's
 *       {@code (?U)\w} is the other way round on each of these.
 * </ul>
 *
 * <p>Categories come from the JDK's Unicode tables (Java 17: Unicode 13.0; CPython 3.11: 14.0), so code points first
 * assigned after Unicode 13 can differ.
 */
public final class PythonText {
  private PythonText() {}

  /** Python's {@code chr(cp).isspace()}. */
  public static boolean isSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f
        || cp == 0x3000;
  }

  /** Whether Python's {@code re} matches {@code \w} at {@code cp} (a {@code str} pattern, default flags). */
  public static boolean isWordChar(int cp) {
    if (cp == '_') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER,
          Character.OTHER_NUMBER -> {
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Python's {@code s.split()}: the non-empty runs between {@link #isSpace} code points. */
  public static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isSpace(cp)) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }
}
