package dev.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CSV files with RFC 4180 quoting (a field holding a comma, a double quote, CR or LF, or leading/trailing spaces is
 * quoted, quotes doubled), UTF-8 without BOM, LF line ends. null is the empty field; doubles print with
 * {@link Double#toString} (round-trip exact), NaN as {@code NaN}, infinities as {@code inf} / {@code -inf}, which
 * pandas and Python's float() read back.
 */
public final class Csv {
  private Csv() {}

  /** Writes the header and rows (each as long as the header); creates parent folders. */
  public static void write(Path file, List<String> header, List<List<Object>> rows) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write(format(header, rows));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CSV " + file, e);
    }
  }

  /** The CSV text that {@link #write} writes. */
  public static String format(List<String> header, List<List<Object>> rows) {
    StringBuilder sb = new StringBuilder();
    line(sb, List.copyOf(header));
    for (int i = 0; i < rows.size(); i++) {
      List<?> r = rows.get(i);
      if (r.size() != header.size()) {
        throw new IllegalArgumentException(
            "CSV row " + i + " has " + r.size() + " fields for " + header.size() + " columns " + header);
      }
      line(sb, r);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<?> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote(text(fields.get(i))));
    }
    sb.append('\n');
  }

  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return "NaN";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "inf" : "-inf";
      }
      return v instanceof Float ? Float.toString((Float) v) : Double.toString(d);
    }
    return String.valueOf(v);
  }

  static String quote(String s) {
    boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
        || (!s.isEmpty() && (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))));
    return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
