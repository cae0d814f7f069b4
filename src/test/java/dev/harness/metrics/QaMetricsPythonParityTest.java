package dev.harness.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QaMetrics against LongBench's Python (THUDM/LongBench {@code metrics.py}: {@code normalize_answer}, {@code
 * qa_f1_score}) on Unicode. Expected values are derived from CPython's rules, stated once here:
 *
 * <ol>
 *   <li>{@code str.split()} splits on the 29 code points of {@link #PY_SPACE} ({@code str.isspace()}: bidi WS/B/S or
 *       Zs) and on nothing else;
 *   <li>{@code re}'s {@code \w} (str pattern) is {@code str.isalnum()} or {@code _}: general category L* or N*; marks,
 *       format characters and other connector punctuation are not word characters;
 *   <li>{@code \b(a|an|the)\b} therefore replaces by a space exactly those maximal word runs equal to a / an / the;
 *   <li>{@code string.punctuation} is the 32 ASCII punctuation characters, removed before the articles.
 * </ol>
 */
class QaMetricsPythonParityTest {
  /** Python 3's whitespace, listed by hand: [hex(c) for c in range(0x110000) if chr(c).isspace()]. */
  static final int[] PY_SPACE = {0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
      0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
      0x205f, 0x3000};
  /** Look like space but are not isspace() in Python (ZWSP, Mongolian vowel separator, word joiner, BOM, NUL, DEL). */
  static final int[] NOT_SPACE = {0x200b, 0x180e, 0x2060, 0xfeff, 0x00, 0x7f, 0x200c, 0x200d};

  /** A code point with its word-ness in Python's re, labelled by hand from its general category. */
  record Ch(int cp, String category, boolean word) {}

  static final List<Ch> CHARS = List.of(
      new Ch(0x0301, "Mn combining acute", false), new Ch(0x0300, "Mn combining grave", false),
      new Ch(0x036f, "Mn combining latin small x", false), new Ch(0x0903, "Mc devanagari visarga", false),
      new Ch(0x20dd, "Me combining enclosing circle", false), new Ch(0x200d, "Cf zero width joiner", false),
      new Ch(0x200c, "Cf zero width non-joiner", false), new Ch(0x00ad, "Cf soft hyphen", false),
      new Ch(0x203f, "Pc undertie", false), new Ch(0xfe33, "Pc presentation low line", false),
      new Ch(0x2013, "Pd en dash", false), new Ch(0x00ab, "Pi left guillemet", false),
      new Ch(0x00bb, "Pf right guillemet", false), new Ch(0x00a9, "So copyright", false),
      new Ch(0x2122, "So trade mark", false), new Ch(0x00d7, "Sm multiplication", false),
      new Ch(0x20ac, "Sc euro", false), new Ch(0x00b4, "Sk acute accent", false),
      new Ch(0x3002, "Po ideographic full stop", false), new Ch(0x1f600, "So emoji (non-BMP)", false),
      new Ch(0x00b2, "No superscript two", true), new Ch(0x00b9, "No superscript one", true),
      new Ch(0x00bd, "No vulgar fraction one half", true), new Ch(0x2460, "No circled digit one", true),
      new Ch(0x216b, "Nl roman numeral twelve", true), new Ch(0x0663, "Nd arabic-indic three", true),
      new Ch(0x02b0, "Lm modifier small h", true), new Ch(0x4e2d, "Lo CJK zhong", true),
      new Ch(0x00e9, "Ll e acute (precomposed)", true), new Ch(0x01c5, "Lt dz with caron", true),
      new Ch(0x1d41a, "Ll mathematical bold a (non-BMP)", true),
      new Ch('7', "Nd digit seven", true), new Ch('z', "Ll z", true));

  private static String s(int cp) {
    return new String(Character.toChars(cp));
  }

  @Test
  void namedHandCases() {
    assertEquals(1.0, QaMetrics.f1("foo\u001cbar", "foo bar"), 0); // Java's (?U)\s does not split on \x1c: was 0
    assertEquals(1.0, QaMetrics.f1("foo\u001fbar\u0085baz", "foo bar baz"), 0);
    assertEquals(0.0, QaMetrics.f1("foo\u200bbar", "foo bar"), 0); // ZWSP is not whitespace: one token
    assertEquals("\u0301 end", QaMetrics.normalize("The\u0301 end")); // Mn is no word char: "the" is a whole word
    assertEquals("a\u0301 b", QaMetrics.normalize("Xa\u0301 b").substring(1)); // "xa" is one run: kept
    assertEquals("the² end", QaMetrics.normalize("the² end")); // ² (No) is a word char: "the²" is one word
    assertEquals("x\u200d", QaMetrics.normalize("x\u200dthe")); // ZWJ is no word char
    assertEquals("‿", QaMetrics.normalize("the‿an")); // undertie (Pc) is no word char
    assertEquals("thean", QaMetrics.normalize("the_an")); // _ is ASCII punctuation, removed before the articles
    assertEquals("i\u0307stanbul", QaMetrics.normalize("İstanbul")); // str.lower(): U+0130 -> i + U+0307
    assertEquals("οδος", QaMetrics.normalize("ΟΔΟΣ")); // final sigma as CPython
    assertEquals(2.0 / 3, QaMetrics.f1("the\u0301 cat", "cat"), 1e-15); // tokens [U+0301, cat] vs [cat]
    assertEquals(1.0, QaMetrics.exactMatch("The\u2028answer", "answer"), 0);
    assertEquals(1.0, QaMetrics.exactMatch("x\u3000y", "X Y"), 0);
    assertEquals(0.0, QaMetrics.exactMatch("\u001c\u001d", ""), 0); // empty after normalisation never matches
  }

  @Test
  void everyPythonSpaceSplitsAndNothingElseDoes() {
    int cases = 0;
    for (int ws : PY_SPACE) {
      assertTrue(PythonText.isSpace(ws), Integer.toHexString(ws));
      for (int ws2 : new int[] {0x20, 0x1c, 0x3000}) {
        // articles delimited by whitespace are whole words: removed
        String in = "Foo" + s(ws) + "the" + s(ws2) + "Bar" + s(ws) + s(ws2);
        assertEquals("foo bar", QaMetrics.normalize(in), Integer.toHexString(ws));
        assertEquals(1.0, QaMetrics.f1(in, "foo bar"), 0);
        cases++;
      }
    }
    for (int c : NOT_SPACE) {
      assertTrue(!PythonText.isSpace(c));
      String in = "foo" + s(c) + "bar";
      assertEquals(in, QaMetrics.normalize(in), Integer.toHexString(c));
      assertEquals(0.0, QaMetrics.f1(in, "foo bar"), 0);
      cases++;
    }
    int spaces = 0;
    for (int cp = 0; cp < 0x110000; cp++) {
      if (PythonText.isSpace(cp)) {
        spaces++;
      }
    }
    assertEquals(PY_SPACE.length, spaces); // the set is exactly the hand list
    assertTrue(cases >= 90, "cases " + cases);
  }

  @Test
  void articleBoundariesFollowPythonWordCharacters() {
    List<String> failures = new ArrayList<>();
    int cases = 0;
    for (Ch ch : CHARS) {
      assertEquals(ch.word(), PythonText.isWordChar(ch.cp()), ch.category());
      String raw = s(ch.cp());
      String c = raw.toLowerCase(java.util.Locale.ROOT); // lower() comes first (Ⅻ -> ⅻ, ǅ -> ǆ: same category class)
      for (String art : List.of("a", "an", "the")) {
        // article followed by c: a word char extends the run (kept), a non-word char ends it (article -> space)
        String after = "x " + art + raw + " y";
        String expAfter = ch.word() ? "x " + art + c + " y" : "x " + c + " y";
        // article preceded by c
        String before = "x " + raw + art + " y";
        String expBefore = ch.word() ? "x " + c + art + " y" : "x " + c + " y";
        // article between two copies of c
        String both = raw + art.toUpperCase(java.util.Locale.ROOT) + raw;
        String expBoth = ch.word() ? c + art + c : c + " " + c;
        for (String[] t : new String[][] {{after, expAfter}, {before, expBefore}, {both, expBoth}}) {
          String got = QaMetrics.normalize(t[0]);
          if (!got.equals(t[1])) {
            failures.add(ch.category() + " " + art + ": " + got + " != " + t[1]);
          }
          cases++;
        }
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(cases >= 290, "cases " + cases);
  }

  @Test
  void asciiPunctuationIsRemovedBeforeArticles() {
    String punct = QaMetrics.ASCII_PUNCTUATION;
    assertEquals(32, punct.length());
    for (char p : punct.toCharArray()) {
      // removed first, so "the" + p + "cat" becomes the single word "thecat" (not an article)
      assertEquals("thecat", QaMetrics.normalize("The" + p + "cat"), String.valueOf(p));
      // a lone punctuation mark between articles leaves nothing
      assertEquals("", QaMetrics.normalize("a " + p + " an " + p + p + " the"), String.valueOf(p));
      assertEquals(1.0, QaMetrics.f1("x" + p + " y", "x y"), 0);
    }
    // non-ASCII punctuation is kept (and ends a word): the guillemets stay, "the" goes
    assertEquals("« »", QaMetrics.normalize("«the»"));
    assertEquals("“quote”", QaMetrics.normalize("“quote”"));
  }
}
