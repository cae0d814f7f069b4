package dev.harness.report;

/**
 * One named series over the categories of a plot: y per category and an optional interval [lo, hi] per category (both
 * null for no error bars). NaN entries mean "no value" and are left out of the drawing.
 */
public record PlotSeries(String name, double[] y, double[] lo, double[] hi) {
  public PlotSeries {
    if (name == null || y == null) {
      throw new IllegalArgumentException("a plot series needs a name and y values");
    }
    if ((lo == null) != (hi == null)) {
      throw new IllegalArgumentException("series '" + name + "': give both lo and hi, or neither");
    }
    if (lo != null && (lo.length != y.length || hi.length != y.length)) {
      throw new IllegalArgumentException("series '" + name + "': lo/hi length differs from y length " + y.length);
    }
  }

  /** A series without error bars. */
  public static PlotSeries of(String name, double[] y) {
    return new PlotSeries(name, y, null, null);
  }

  public boolean hasErrorBars() {
    return lo != null;
  }
}
