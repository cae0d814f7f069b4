package dev.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Line charts over a numeric x axis (e.g. a loss curve by step): each series its own x values; NaN points skipped. */
public final class LinePlots {
  /** One named series: x and y of equal length. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values, " + y.length + " y values");
    }
  }

  private LinePlots() {}

  public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series) {
    ChartKit kit = new ChartKit(title, xLabel, yLabel);
    boolean any = false;
    for (Series s : series) {
      for (int i = 0; i < s.y().length && !any; i++) {
        if (Double.isFinite(s.y()[i]) && Double.isFinite(s.x()[i])) {
          kit.anchor(s.x()[i], s.y()[i]);
          any = true;
        }
      }
    }
    double xLo = Double.POSITIVE_INFINITY, xHi = Double.NEGATIVE_INFINITY;
    double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
    boolean integerX = true;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      kit.lineSegments(s.name(), s.x(), s.y(), ChartKit.color(i), true);
      for (int j = 0; j < s.x().length; j++) {
        if (!Double.isFinite(s.x()[j]) || !Double.isFinite(s.y()[j])) continue;
        xLo = Math.min(xLo, s.x()[j]);
        xHi = Math.max(xHi, s.x()[j]);
        yLo = Math.min(yLo, s.y()[j]);
        yHi = Math.max(yHi, s.y()[j]);
        integerX &= s.x()[j] == Math.rint(s.x()[j]);
      }
    }
    if (any) {
      if (integerX) kit.countX(); else kit.formatX(xLo, xHi);
      kit.formatY(yLo, yHi);
    }
    if (!any) {
      kit.styler().setYAxisMin(0.0);
      kit.styler().setYAxisMax(1.0);
      kit.text("no data", 0, 0.5);
    }
    try {
      kit.save(png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + png, e);
    }
  }
}
