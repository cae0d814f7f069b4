package dev.harness.study.mc;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code json.dumps(obj, indent=..., ensure_ascii=False)}, {@code str(float)} and lm-eval's
 * {@code hash_string} (sha256 hex), so that the samples files carry the hashes lm-eval would write.
 */
final class PyJson {
  private PyJson() {}

  static String dumps(Object o, int indent) {
    StringBuilder sb = new StringBuilder();
    write(sb, o, indent, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object o, int indent, int depth) {
    if (o == null) {
      sb.append("null");
    } else if (o instanceof String s) {
      string(sb, s);
    } else if (o instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (o instanceof Double || o instanceof Float) {
      sb.append(str(((Number) o).doubleValue()));
    } else if (o instanceof Number n) {
      sb.append(n.longValue());
    } else if (o instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) sb.append(',');
        first = false;
        newline(sb, indent, depth + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent, depth + 1);
      }
      newline(sb, indent, depth);
      sb.append('}');
    } else if (o instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(',');
        newline(sb, indent, depth + 1);
        write(sb, l.get(i), indent, depth + 1);
      }
      newline(sb, indent, depth);
      sb.append(']');
    } else {
      string(sb, o.toString());
    }
  }

  private static void newline(StringBuilder sb, int indent, int depth) {
    if (indent <= 0) {
      if (sb.charAt(sb.length() - 1) == ',') sb.append(' ');
      return;
    }
    sb.append('\n').append(" ".repeat(indent * depth));
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (ch < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          else sb.append(ch);
        }
      }
    }
    sb.append('"');
  }

  /** Python's {@code str(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
  static String str(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
    double a = Math.abs(v);
    java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros();
    if (a >= 1e-4 && a < 1e16) {
      String s = bd.toPlainString();
      return s.contains(".") ? s : s + ".0";
    }
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - bd.scale();
    String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
  }
}
