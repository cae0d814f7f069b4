package dev.harness.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LongBench QA scoring (narrativeqa): answer normalisation, token F1 and exact match.
 *
 * <p>Normalisation is LongBench's {@code normalize_answer} (THUDM/LongBench {@code metrics.py}) with CPython's string
 * semantics: {@code lower()} (Java's root-locale lower-casing: the same full mappings, final sigma and U+0130
 * included), remove every ASCII punctuation character ({@code string.punctuation}), {@code re.sub(r"\b(a|an|the)\b",
 * " ", text)} — a maximal run of Python word characters ({@link PythonText#isWordChar}) that is exactly a, an or the
 * becomes a space — and {@code " ".join(text.split())} with Python's whitespace ({@link PythonText#isSpace}). Tokens
 * are {@code split()} of the normalised string ({@code qa_f1_score}).
 *
 * <p>Empty strings (after normalisation): LongBench's {@code qa_f1_score} returns 0 whenever prediction and gold share
 * no token, so an empty prediction scores 0 F1 even against an empty gold; we keep that. For exact match we use the same
 * rule: an empty normalised prediction never matches (EM 0), so a blank answer can never earn credit.
 */
public final class QaMetrics {
  /** Python's {@code string.punctuation}: the 32 ASCII punctuation characters. */
  public static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private QaMetrics() {}

  /** LongBench normalisation; null is treated as the empty string. */
  public static String normalize(String s) {
    if (s == null) {
      return "";
    }
    String lower = s.toLowerCase(Locale.ROOT);
    StringBuilder noPunct = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char ch = lower.charAt(i);
      if (ASCII_PUNCTUATION.indexOf(ch) < 0) {
        noPunct.append(ch);
      }
    }
    return String.join(" ", PythonText.split(removeArticles(noPunct.toString())));
  }

  /**
   * {@code re.sub(r"\b(a|an|the)\b", " ", text)}: {@code \b} needs a word character on exactly one side, and the
   * alternatives are word characters, so a match is a maximal word run equal to a, an or the.
   */
  static String removeArticles(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (!PythonText.isWordChar(cp)) {
        out.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      int j = i;
      while (j < text.length() && PythonText.isWordChar(text.codePointAt(j))) {
        j += Character.charCount(text.codePointAt(j));
      }
      String word = text.substring(i, j);
      out.append(word.equals("a") || word.equals("an") || word.equals("the") ? " " : word);
      i = j;
    }
    return out.toString();
  }

  private static String[] tokens(String s) {
    return PythonText.split(normalize(s)).toArray(new String[0]);
  }

  /** Token F1 with multiset overlap on normalised whitespace tokens; 0 when no token is shared. */
  public static double f1(String prediction, String gold) {
    String[] pred = tokens(prediction);
    String[] ref = tokens(gold);
    Map<String, Integer> goldCounts = new HashMap<>();
    for (String t : ref) {
      goldCounts.merge(t, 1, Integer::sum);
    }
    int overlap = 0;
    for (String t : pred) {
      Integer left = goldCounts.get(t);
      if (left != null && left > 0) {
        overlap++;
        goldCounts.put(t, left - 1);
      }
    }
    if (overlap == 0) {
      return 0.0;
    }
    double precision = (double) overlap / pred.length;
    double recall = (double) overlap / ref.length;
    return 2 * precision * recall / (precision + recall);
  }

  /** 1.0 when the normalised strings are equal and non-empty, else 0.0. */
  public static double exactMatch(String prediction, String gold) {
    String p = normalize(prediction);
    return !p.isEmpty() && p.equals(normalize(gold)) ? 1.0 : 0.0;
  }

  /** Maximum F1 over the gold answers; 0 for an empty list. */
  public static double maxF1(String prediction, List<String> golds) {
    double best = 0.0;
    for (String g : golds) {
      best = Math.max(best, f1(prediction, g));
    }
    return best;
  }

  /** Maximum exact match over the gold answers; 0 for an empty list. */
  public static double maxExactMatch(String prediction, List<String> golds) {
    double best = 0.0;
    for (String g : golds) {
      best = Math.max(best, exactMatch(prediction, g));
    }
    return best;
  }
}
