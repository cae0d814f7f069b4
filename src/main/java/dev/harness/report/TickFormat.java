package dev.harness.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * Axis tick labels as a paper prints them. The decimals come from the axis range: the tick step a range of that span
 * gets (about five ticks, rounded to 1, 2 or 5 × 10^k) fixes the digits, one more is allowed for a tick between
 * those steps (0.15 on a 0.1 grid), and the value is rounded beyond that; so every label of an axis has at least its
 * step's decimals (0.0, 0.2, … 1.0). A leading zero is always written
 * ({@code 0.05}, not {@code .05}), thousands are grouped with a comma, and {@code -0} is {@code 0}. Count axes use
 * {@link #count}: integers only. Pure functions; {@link ChartKit} hands them to XChart.
 */
public final class TickFormat {
  private static final DecimalFormatSymbols SYMBOLS = DecimalFormatSymbols.getInstance(Locale.ROOT);

  private TickFormat() {}

  /** The tick step for a span: span/5 rounded to 1, 2 or 5 × 10^k (a span of 1 → 0.2; 5000 → 1000). */
  public static double step(double span) {
    double raw = Math.abs(span) / 5;
    if (!(raw > 0) || !Double.isFinite(raw)) return 1;
    double e = Math.floor(Math.log10(raw));
    double m = raw / Math.pow(10, e);
    double nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
    return nice * Math.pow(10, e);
  }

  /**
   * An axis range that starts and ends on a tick: [lo, hi] widened to multiples of {@link #step}(hi - lo). (XChart
   * labels a data-fitted axis at its two data extremes, which printed {@code 3,935.508015}.)
   */
  public static double[] niceBounds(double lo, double hi) {
    double st = step(hi - lo);
    double a = Math.floor(lo / st + 1e-9) * st;
    double b = Math.ceil(hi / st - 1e-9) * st;
    if (b <= a) b = a + st;
    return new double[] {a, b};
  }

  /** The decimals of a step: 0 for 1, 2, 1000; 1 for 0.2; 2 for 0.05. */
  public static int decimals(double step) {
    return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
  }

  /** The label of tick value {@code v} on an axis from {@code lo} to {@code hi}. */
  public static String label(double v, double lo, double hi) {
    if (!Double.isFinite(v)) return "";
    double span = hi - lo;
    if (!(span > 0) || !Double.isFinite(span)) span = v == 0 ? 1 : Math.abs(v);
    int d0 = decimals(step(span));
    int d = d0;
    while (d < d0 + 1 && !exact(v, d, span)) d++;
    return format(v, d);
  }

  /** A count axis label: integers (grouped), and null for a tick between integers (to be left unlabelled). */
  public static String count(double v) {
    long r = Math.round(v);
    if (!Double.isFinite(v) || Math.abs(v - r) > 1e-9) return null;
    return format(r, 0);
  }

  /** The Java {@link DecimalFormat} pattern with {@code d} decimals ({@code #,##0.00} for 2). */
  public static String pattern(int d) {
    return d == 0 ? "#,##0" : "#,##0." + "0".repeat(d);
  }

  static String format(double v, int d) {
    BigDecimal b = BigDecimal.valueOf(v).setScale(d, RoundingMode.HALF_UP);
    if (b.signum() == 0) b = b.abs();
    DecimalFormat f = new DecimalFormat(pattern(d), SYMBOLS);
    String s = f.format(b);
    return s.startsWith("-") && b.signum() == 0 ? s.substring(1) : s;
  }

  private static boolean exact(double v, int d, double span) {
    double r = BigDecimal.valueOf(v).setScale(d, RoundingMode.HALF_UP).doubleValue();
    return Math.abs(v - r) <= 1e-9 * Math.max(span, Math.abs(v));
  }
}
