package dev.harness.report;

/**
 * One named series over the categories of a plot: y per category and an optional interval [lo, hi] per category (both
 * null for no error bars), an optional n per category (printed under each point; null for none), and whether it is a
 * reference line (a target or chance level: drawn dashed on the categories' own x positions, never dodged). NaN
 * entries mean "no value" and are left out of the drawing.
 */
public record PlotSeries(String name, double[] y, double[] lo, double[] hi, int[] n, boolean reference) {
  public PlotSeries(String name, double[] y, double[] lo, double[] hi) {
    this(name, y, lo, hi, null, false);
  }

  public PlotSeries {
    if (n != null && y != null && n.length != y.length) {
      throw new IllegalArgumentException("series '" + name + "': n length " + n.length + " differs from y length " + y.length);
    }
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

  /** A reference line (a target, a chance level): dashed, on the categories' x positions. */
  public static PlotSeries reference(String name, double[] y) {
    return new PlotSeries(name, y, null, null, null, true);
  }

  /** This series with an n per category. */
  public PlotSeries withN(int[] counts) {
    return new PlotSeries(name, y, lo, hi, counts, reference);
  }

  public boolean hasErrorBars() {
    return lo != null;
  }
}
