package dev.harness.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny Markdown builder for reports: blocks are separated by a blank line, consecutive bullets form one list. Table
 * cells escape {@code |} and turn line breaks into {@code <br>}.
 */
public final class Markdown {
  private final StringBuilder out = new StringBuilder();
  private boolean inList;

  public Markdown heading(int level, String text) {
    if (level < 1 || level > 6) {
      throw new IllegalArgumentException("heading level must be 1..6, got " + level);
    }
    block();
    out.append("#".repeat(level)).append(' ').append(oneLine(text)).append('\n');
    return this;
  }

  public Markdown paragraph(String text) {
    block();
    out.append(nz(text).strip()).append('\n');
    return this;
  }

  /** A table; rows shorter than the header are padded with empty cells. */
  public Markdown table(List<String> header, List<List<String>> rows) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    block();
    row(header);
    List<String> rule = new ArrayList<>();
    header.forEach(h -> rule.add("---"));
    out.append("| ").append(String.join(" | ", rule)).append(" |\n");
    for (int i = 0; i < rows.size(); i++) {
      List<String> r = rows.get(i);
      if (r.size() > header.size()) {
        throw new IllegalArgumentException(
            "table row " + i + " has " + r.size() + " cells for " + header.size() + " columns");
      }
      List<String> padded = new ArrayList<>(r);
      while (padded.size() < header.size()) {
        padded.add("");
      }
      row(padded);
    }
    return this;
  }

  /** {@code ![alt](relPath)}; spaces in the path are percent-encoded. */
  public Markdown image(String alt, String relPath) {
    block();
    String a = oneLine(alt).replace("[", "\\[").replace("]", "\\]");
    String p = nz(relPath).replace(" ", "%20").replace("(", "%28").replace(")", "%29");
    out.append("![").append(a).append("](").append(p).append(")\n");
    return this;
  }

  public Markdown bullet(String text) {
    if (!inList) {
      block();
      inList = true;
    }
    out.append("- ").append(nz(text).strip().replace("\n", "\n  ")).append('\n');
    return this;
  }

  /** A fenced code block (the fence grows when the text itself contains backtick runs). */
  public Markdown code(String text) {
    block();
    String body = nz(text);
    String fence = "```";
    while (body.contains(fence)) {
      fence += "`";
    }
    out.append(fence).append('\n').append(body);
    if (!body.endsWith("\n")) {
      out.append('\n');
    }
    out.append(fence).append('\n');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** Escapes a table cell: backslash-escaped pipes, line breaks as {@code <br>}. */
  public static String cell(String s) {
    return nz(s).replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
        .replace("\r", "<br>").strip();
  }

  private void row(List<String> cells) {
    out.append("| ");
    for (int i = 0; i < cells.size(); i++) {
      out.append(i == 0 ? "" : " | ").append(cell(cells.get(i)));
    }
    out.append(" |\n");
  }

  /** Starts a new block: a blank line after any previous content; ends a running list. */
  private void block() {
    if (out.length() > 0) {
      out.append('\n');
    }
    inList = false;
  }

  private static String oneLine(String s) {
    return nz(s).replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
