package dev.harness.stats;

import java.util.Locale;

/**
 * A point estimate with a two-sided interval at confidence {@code level}, over {@code n} items. NaN fields mean "not
 * available" (e.g. n = 0).
 */
public record Interval(double estimate, double lo, double hi, int n, double level) {

  /** The interval for no data: every number NaN. */
  public static Interval empty(double level) {
    return new Interval(Double.NaN, Double.NaN, Double.NaN, 0, level);
  }

  /** e.g. {@code "0.512 [0.430, 0.601] (n=20)"}; {@code "n/a (n=0)"} without data; NaN bounds print as n/a. */
  public String format(int decimals) {
    if (n == 0 || Double.isNaN(estimate)) {
      return "n/a (n=" + n + ")";
    }
    return num(estimate, decimals) + " [" + num(lo, decimals) + ", " + num(hi, decimals) + "] (n=" + n + ")";
  }

  /** Every number multiplied by {@code factor} (e.g. 100 for LongBench scores); bounds swap for a negative factor. */
  public Interval scaled(double factor) {
    double a = lo * factor;
    double b = hi * factor;
    return new Interval(estimate * factor, Math.min(a, b), Math.max(a, b), n, level);
  }

  /** Whether {@code value} lies outside [lo, hi] (false when a bound is NaN). */
  public boolean excludes(double value) {
    return hi < value || lo > value;
  }

  /** Whether both bounds are numbers. */
  public boolean isDefined() {
    return !Double.isNaN(lo) && !Double.isNaN(hi);
  }

  private static String num(double v, int decimals) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  @Override
  public String toString() {
    return format(3);
  }
}
