package dev.harness.report;

/** Short labels for figures: a text's first words on one line. */
public final class Labels {
  private Labels() {}

  /**
   * The start of {@code text} on one line: whitespace runs collapsed to one space, cut at a word boundary to at most
   * {@code max} characters (a single longer word is cut), followed by {@code …} when something was cut. Quotes are
   * kept; an empty or blank text is {@code (empty)}.
   */
  public static String excerpt(String text, int max) {
    if (max < 2) throw new IllegalArgumentException("an excerpt needs at least 2 characters, got " + max);
    String s = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    if (s.isEmpty()) return "(empty)";
    if (s.length() <= max) return s;
    String cut = s.substring(0, max - 1);
    int space = cut.lastIndexOf(' ');
    if (space >= max / 2) cut = cut.substring(0, space);
    return cut.stripTrailing() + "…";
  }
}
