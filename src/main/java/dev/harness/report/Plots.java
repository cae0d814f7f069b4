package dev.harness.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * PNG figures (XChart, headless, 900×600) with titles, axis labels and legends. NaN values are never handed to XChart:
 * a NaN point breaks a line, a NaN bar or bound is not drawn, a series without any value keeps its legend entry marked
 * "(no data)", a figure without any value says "no data". Parent folders are created.
 */
public final class Plots {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final double CAP = 0.06;

  private Plots() {}

  /**
   * One line per series over the categories, with its interval as error bars (series are dodged slightly so their
   * bars do not overlap; a {@link PlotSeries#reference} line is not dodged: it sits on the categories' x positions).
   * A series with an n per category prints {@code n=…} under each point.
   */
  public static void lineWithErrorBars(Path png, String title, String xLabel, String yLabel, List<String> categories,
      List<PlotSeries> series) {
    checkLengths(categories, series);
    ChartKit kit = new ChartKit(title, xLabel, yLabel);
    kit.categoricalX(categories);
    int k = categories.size();
    double[] offsets = dodgeOffsets(series);
    kit.anchor(0, anchorY(series));
    double[] yr = TickFormat.niceBounds(yRange(series, false)[0], yRange(series, false)[1]);
    kit.styler().setYAxisMin(yr[0]);
    kit.styler().setYAxisMax(yr[1]);
    kit.formatY(yr[0], yr[1]);
    boolean any = false;
    for (int i = 0; i < series.size(); i++) {
      PlotSeries ps = series.get(i);
      Color c = ps.reference() ? ChartKit.ERROR_BAR : ChartKit.color(i);
      double offset = offsets[i];
      double[] x = new double[k];
      for (int j = 0; j < k; j++) {
        x[j] = j + offset;
      }
      kit.lineSegments(ps.name(), x, ps.y(), c, true, ps.reference());
      any |= Arrays.stream(ps.y()).anyMatch(Double::isFinite);
      if (ps.hasErrorBars()) {
        for (int j = 0; j < k; j++) {
          kit.verticalBar(x[j], ps.lo()[j], ps.hi()[j], CAP, c);
        }
      }
      nLabels(kit, ps, x, yr);
    }
    finish(kit, any, (k - 1) / 2.0);
    save(kit, png);
  }

  /**
   * The x offset of each series from its categories' positions: the data series are spread symmetrically (at most 0.2
   * apart, 0.5 in all) so their error bars do not overlap; a reference series stays at 0.
   */
  static double[] dodgeOffsets(List<PlotSeries> series) {
    int s = (int) series.stream().filter(p -> !p.reference()).count();
    double dodge = s > 1 ? Math.min(0.2, 0.5 / s) : 0;
    double[] out = new double[series.size()];
    int dodged = 0;
    for (int i = 0; i < series.size(); i++) {
      out[i] = series.get(i).reference() ? 0 : (dodged++ - (s - 1) / 2.0) * dodge;
    }
    return out;
  }

  /** Grouped bars (one colour per series, one group per category) with error bars. */
  public static void bars(Path png, String title, String xLabel, String yLabel, List<String> categories,
      List<PlotSeries> series) {
    checkLengths(categories, series);
    ChartKit kit = new ChartKit(title, xLabel, yLabel);
    kit.categoricalX(categories);
    int k = categories.size();
    int s = Math.max(1, series.size());
    double width = 0.8 / s;
    kit.anchor(0, anchorY(series));
    double[] yr = TickFormat.niceBounds(yRange(series, true)[0], yRange(series, true)[1]);
    kit.styler().setYAxisMin(yr[0]);
    kit.styler().setYAxisMax(yr[1]);
    kit.formatY(yr[0], yr[1]);
    boolean any = false;
    double min = 0;
    double max = 0;
    for (int i = 0; i < series.size(); i++) {
      PlotSeries ps = series.get(i);
      Color c = ChartKit.color(i);
      boolean drawn = false;
      for (int j = 0; j < k; j++) {
        double y = ps.y()[j];
        if (!Double.isFinite(y)) {
          continue;
        }
        double left = j - 0.4 + width * i;
        double right = left + width;
        kit.polygon(ps.name(), !drawn, new double[] {left, left, right, right}, new double[] {0, y, y, 0}, c);
        drawn = true;
        min = Math.min(min, y);
        max = Math.max(max, y);
      }
      double[] centres = new double[k];
      for (int j = 0; j < k; j++) centres[j] = j - 0.4 + width * (i + 0.5);
      nLabels(kit, ps, centres, yr);
      if (!drawn) {
        kit.legendOnly(ps.name() + " (no data)", c);
      }
      any |= drawn;
      if (ps.hasErrorBars()) {
        for (int j = 0; j < k; j++) {
          if (Double.isFinite(ps.y()[j])) {
            kit.verticalBar(j - 0.4 + width * (i + 0.5), ps.lo()[j], ps.hi()[j], Math.min(CAP, width / 4),
                ChartKit.ERROR_BAR);
          }
        }
      }
    }
    if (any && min >= 0) {
      kit.styler().setYAxisMin(0.0);
    } else if (any && max <= 0) {
      kit.styler().setYAxisMax(0.0);
    }
    finish(kit, any, (k - 1) / 2.0);
    save(kit, png);
  }

  /** Histogram of the finite values with equal-width bins; the legend gives n (and how many non-finite were dropped). */
  public static void histogram(Path png, String title, String xLabel, double[] values, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("histogram needs at least 1 bin, got " + bins);
    }
    ChartKit kit = new ChartKit(title, xLabel, "count");
    double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
    int dropped = values.length - v.length;
    String name = "n=" + v.length + (dropped > 0 ? " (" + dropped + " non-finite dropped)" : "");
    if (v.length == 0) {
      kit.anchor(0, 0);
      kit.legendOnly(name, ChartKit.color(0));
      finish(kit, false, 0);
      save(kit, png);
      return;
    }
    double lo = Arrays.stream(v).min().getAsDouble();
    double hi = Arrays.stream(v).max().getAsDouble();
    if (lo == hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    int[] counts = binCounts(v, lo, hi, bins);
    double w = (hi - lo) / bins;
    double[] px = new double[2 * bins + 2];
    double[] py = new double[2 * bins + 2];
    px[0] = lo;
    py[0] = 0;
    for (int b = 0; b < bins; b++) {
      px[1 + 2 * b] = lo + b * w;
      py[1 + 2 * b] = counts[b];
      px[2 + 2 * b] = b == bins - 1 ? hi : lo + (b + 1) * w;
      py[2 + 2 * b] = counts[b];
    }
    px[2 * bins + 1] = hi;
    py[2 * bins + 1] = 0;
    kit.polygon(name, true, px, py, ChartKit.color(0));
    kit.styler().setYAxisMin(0.0);
    kit.formatX(lo, hi);
    kit.countY();
    save(kit, png);
  }

  /** Counts per equal-width bin over [lo, hi]; the last bin includes hi (as numpy.histogram). */
  static int[] binCounts(double[] v, double lo, double hi, int bins) {
    int[] counts = new int[bins];
    for (double x : v) {
      int b = (int) Math.floor((x - lo) / (hi - lo) * bins);
      counts[Math.min(Math.max(b, 0), bins - 1)]++;
    }
    return counts;
  }

  /** Labelled points with x and y intervals; points without a finite x or y are left out. */
  public static void scatterWithErrorBars(Path png, String title, String xLabel, String yLabel, List<Point> points) {
    ChartKit kit = new ChartKit(title, xLabel, yLabel);
    List<Point> ok = points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
    if (ok.isEmpty()) {
      kit.anchor(0, 0);
      kit.legendOnly("no points", ChartKit.color(0));
      finish(kit, false, 0);
      save(kit, png);
      return;
    }
    double[] xr = range(ok, true);
    double[] yr = range(ok, false);
    double xPad = 0.08 * (xr[1] - xr[0]);
    double yPad = 0.1 * (yr[1] - yr[0]);
    kit.styler().setXAxisMin(xr[0] - xPad);
    kit.styler().setXAxisMax(xr[1] + xPad);
    kit.styler().setYAxisMin(yr[0] - yPad);
    kit.styler().setYAxisMax(yr[1] + yPad);
    kit.formatX(xr[0] - xPad, xr[1] + xPad);
    kit.formatY(yr[0] - yPad, yr[1] + yPad);
    for (int i = 0; i < ok.size(); i++) {
      Point p = ok.get(i);
      Color c = ChartKit.color(i);
      kit.horizontalBar(p.y(), p.xLo(), p.xHi(), 0.012 * (yr[1] - yr[0]), c);
      kit.verticalBar(p.x(), p.yLo(), p.yHi(), 0.008 * (xr[1] - xr[0]), c);
      kit.lineSegments(ChartKit.nz(p.label()), new double[] {p.x()}, new double[] {p.y()}, c, false);
      kit.text(ChartKit.nz(p.label()), p.x(), p.y() + 0.045 * (yr[1] - yr[0]));
    }
    save(kit, png);
  }

  /** [min, max] of the finite y values and bounds of the series (and 0 for bars), widened when degenerate. */
  static double[] yRange(List<PlotSeries> series, boolean withZero) {
    double min = withZero ? 0 : Double.POSITIVE_INFINITY;
    double max = withZero ? 0 : Double.NEGATIVE_INFINITY;
    for (PlotSeries ps : series) {
      for (double[] a : ps.hasErrorBars() ? new double[][] {ps.y(), ps.lo(), ps.hi()} : new double[][] {ps.y()}) {
        for (double v : a) {
          if (Double.isFinite(v)) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
        }
      }
    }
    if (!Double.isFinite(min)) return new double[] {0, 1};
    if (max - min < 1e-12) {
      double d = Math.max(Math.abs(min) * 0.1, 0.5);
      return new double[] {min - d, max + d};
    }
    return new double[] {min, max};
  }

  /** {@code n=…} under each finite point of a series that carries its n per category. */
  private static void nLabels(ChartKit kit, PlotSeries ps, double[] x, double[] yr) {
    if (ps.n() == null) return;
    double below = 0.04 * (yr[1] - yr[0]);
    for (int j = 0; j < x.length; j++) {
      double y = ps.y()[j];
      if (!Double.isFinite(y)) continue;
      double base = ps.hasErrorBars() && Double.isFinite(ps.lo()[j]) ? Math.min(y, ps.lo()[j]) : y;
      kit.text("n=" + ps.n()[j], x[j], base - below);
    }
  }

  /** [min, max] over values and finite bounds on one axis, widened when degenerate. */
  private static double[] range(List<Point> pts, boolean xAxis) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Point p : pts) {
      for (double v : xAxis ? new double[] {p.x(), p.xLo(), p.xHi()} : new double[] {p.y(), p.yLo(), p.yHi()}) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (max - min < 1e-12) {
      double d = Math.max(Math.abs(min) * 0.1, 0.5);
      min -= d;
      max += d;
    }
    return new double[] {min, max};
  }

  private static void finish(ChartKit kit, boolean any, double centerX) {
    if (!any) {
      kit.styler().setYAxisMin(0.0);
      kit.styler().setYAxisMax(1.0);
      kit.text("no data", centerX, 0.5);
    }
  }

  /** A finite y inside the data (for legend-only entries), or 0. */
  private static double anchorY(List<PlotSeries> series) {
    return series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).filter(Double::isFinite).findFirst().orElse(0);
  }

  private static void checkLengths(List<String> categories, List<PlotSeries> series) {
    for (PlotSeries s : series) {
      if (s.y().length != categories.size()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "series '%s' has %d values for %d categories",
            s.name(), s.y().length, categories.size()));
      }
    }
  }

  private static void save(ChartKit kit, Path png) {
    try {
      kit.save(png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + png, e);
    }
  }
}
