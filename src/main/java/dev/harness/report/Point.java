package dev.harness.report;

/** A labelled scatter point with intervals on both axes (NaN bounds: no bar on that axis). */
public record Point(String label, double x, double y, double xLo, double xHi, double yLo, double yHi) {
  /** A point without error bars. */
  public static Point of(String label, double x, double y) {
    return new Point(label, x, y, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }
}
