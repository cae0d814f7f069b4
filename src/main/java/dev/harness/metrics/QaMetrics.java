package dev.harness.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * LongBench QA scoring (narrativeqa): answer normalisation, token F1 and exact match.
 *
 * <p>Normalisation follows LongBench's {@code normalize_answer}: lower-case, remove every ASCII punctuation
 * character ({@code string.punctuation}), replace the whole words a/an/the with a space, collapse whitespace.
 *
 * <p>Empty strings (after normalisation): LongBench's {@code qa_f1_score} returns 0 whenever prediction and gold share
 * no token, so an empty prediction scores 0 F1 even against an empty gold; we keep that. For exact match we use the same
 * rule: an empty normalised prediction never matches (EM 0), so a blank answer can never earn credit.
 */
public final class QaMetrics {
  /** Python's {@code string.punctuation}: the 32 ASCII punctuation characters. */
  public static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private static final Pattern ARTICLES = Pattern.compile("(?U)\\b(a|an|the)\\b");
  private static final Pattern WHITESPACE = Pattern.compile("(?U)\\s+");

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
    String noArticles = ARTICLES.matcher(noPunct).replaceAll(" ");
    return WHITESPACE.matcher(noArticles).replaceAll(" ").strip();
  }

  private static String[] tokens(String s) {
    String n = normalize(s);
    return n.isEmpty() ? new String[0] : WHITESPACE.split(n);
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
