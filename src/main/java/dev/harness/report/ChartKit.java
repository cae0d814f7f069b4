package dev.harness.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Shared XChart plumbing for {@link Plots}: styling, NaN-free series, error-bar paths, PNG output. */
final class ChartKit {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  static final int WIDTH = 900;
  static final int HEIGHT = 600;
  /** Tableau 10, readable on white. */
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
  static final Color ERROR_BAR = new Color(0x333333);

  private final XYChart chart;
  private final Set<String> names = new HashSet<>();
  private int hidden;
  private double anchorX;
  private double anchorY;

  ChartKit(String title, String xLabel, String yLabel) {
    chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(nz(title)).xAxisTitle(nz(xLabel))
        .yAxisTitle(nz(yLabel)).build();
    XYStyler s = chart.getStyler();
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setLegendPosition(LegendPosition.OutsideS);
    s.setLegendLayout(LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xdddddd));
    s.setChartTitleBoxVisible(false);
    s.setMarkerSize(9);
  }

  XYChart chart() {
    return chart;
  }

  XYStyler styler() {
    return chart.getStyler();
  }

  /** A unique internal name for a series that the legend does not show. */
  private String hiddenName() {
    return "\u200b" + (hidden++);
  }

  private String unique(String name) {
    String n = nz(name).isBlank() ? "series" : name;
    String candidate = n;
    for (int i = 2; names.contains(candidate); i++) {
      candidate = n + " (" + i + ")";
    }
    names.add(candidate);
    return candidate;
  }

  /** Adds a line/marker series, splitting it at NaN y values; the legend shows it once. */
  void lineSegments(String name, double[] x, double[] y, Color color, boolean line) {
    lineSegments(name, x, y, color, line, false);
  }

  /** As above; {@code dashed}: a dashed line without markers (a reference line). */
  void lineSegments(String name, double[] x, double[] y, Color color, boolean line, boolean dashed) {
    String legendName = unique(name);
    boolean first = true;
    int i = 0;
    while (i < y.length) {
      if (!Double.isFinite(y[i]) || !Double.isFinite(x[i])) {
        i++;
        continue;
      }
      int j = i;
      while (j < y.length && Double.isFinite(y[j]) && Double.isFinite(x[j])) {
        j++;
      }
      double[] xs = java.util.Arrays.copyOfRange(x, i, j);
      double[] ys = java.util.Arrays.copyOfRange(y, i, j);
      XYSeries s = chart.addSeries(first ? legendName : hiddenName(), xs, ys);
      s.setXYSeriesRenderStyle(line ? XYSeriesRenderStyle.Line : XYSeriesRenderStyle.Scatter);
      s.setLineColor(color);
      s.setMarkerColor(color);
      s.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
      s.setLineWidth(dashed ? 2f : 2.5f);
      s.setLineStyle(dashed ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
      s.setShowInLegend(first);
      first = false;
      i = j;
    }
    if (first) { // no finite value at all: keep the legend entry, draw nothing
      legendOnly(legendName + " (no data)", color);
    }
  }

  /** A legend entry without visible data (an invisible point at the origin of the data range). */
  void legendOnly(String name, Color color) {
    XYSeries s = chart.addSeries(name, new double[] {anchorX}, new double[] {anchorY});
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.NONE);
    s.setMarkerColor(color);
    s.setLineColor(color);
  }

  /** Where legend-only points sit (inside the data range so they do not stretch the axes). */
  void anchor(double x, double y) {
    anchorX = x;
    anchorY = y;
  }

  /** A closed polygon filled with {@code color} (bars, histograms). */
  void polygon(String name, boolean inLegend, double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(inLegend ? unique(name) : hiddenName(), x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setFillColor(color);
    s.setLineColor(color.darker());
    s.setLineStyle(SeriesLines.SOLID);
    s.setMarker(SeriesMarkers.NONE);
    s.setShowInLegend(inLegend);
  }

  /** A vertical error bar with caps of half-width {@code cap} (x units); skipped when a bound is not finite. */
  void verticalBar(double x, double lo, double hi, double cap, Color color) {
    if (!Double.isFinite(x) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      return;
    }
    path(new double[] {x - cap, x + cap, x, x, x - cap, x + cap}, new double[] {lo, lo, lo, hi, hi, hi}, color);
  }

  /** A horizontal error bar with caps of half-height {@code cap} (y units); skipped when a bound is not finite. */
  void horizontalBar(double y, double lo, double hi, double cap, Color color) {
    if (!Double.isFinite(y) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      return;
    }
    path(new double[] {lo, lo, lo, hi, hi, hi}, new double[] {y - cap, y + cap, y, y, y - cap, y + cap}, color);
  }

  private void path(double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(hiddenName(), x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineWidth(1.5f);
    s.setLineStyle(SeriesLines.SOLID);
    s.setShowInLegend(false);
  }

  /** Text centred at a data position. */
  void text(String text, double x, double y) {
    chart.addAnnotation(new AnnotationText(text, x, y, false));
  }

  /** Categories 0..k-1 on the x axis, labelled by name at integer ticks. */
  void categoricalX(List<String> categories) {
    int k = categories.size();
    XYStyler s = chart.getStyler();
    s.setXAxisMin(-0.5);
    s.setXAxisMax(k - 0.5);
    s.setPlotGridVerticalLinesVisible(false);
    // ask for one tick per category; rotate labels (35°, else 90°) when they would not fit side by side
    int spacing = Math.max(12, (WIDTH - 160) / Math.max(1, k));
    s.setXAxisTickMarkSpacingHint(spacing);
    double labelPx = 7.5 * categories.stream().mapToInt(c -> nz(c).length()).max().orElse(1);
    if (labelPx * 1.1 >= spacing) {
      s.setXAxisLabelRotation((0.82 * labelPx + 9) * 1.1 < spacing ? 35 : 90);
    }
    // XChart 3.8 quirks: it drops every tick label when two labels are equal, and it sizes the label area from the
    // label with the most characters. So off-category ticks get distinct 4-character invisible labels, and category
    // labels are padded with 5 zero-width spaces so that a real label is always the longest.
    List<String> labels = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < k; j++) {
      String label = nz(categories.get(j)).isBlank() ? "(" + j + ")" : categories.get(j);
      String padded = label + ZERO_WIDTH_PAD;
      labels.add(seen.add(label) ? padded : padded + invisible(j + 0.5)); // duplicates made distinct
    }
    chart.setCustomXAxisTickLabelsFormatter(v -> {
      long r = Math.round(v);
      return Math.abs(v - r) < 1e-9 && r >= 0 && r < k ? labels.get((int) r) : invisible(v);
    });
  }

  /** Y tick labels with the decimals an axis from {@code lo} to {@code hi} needs ({@link TickFormat#label}). */
  void formatY(double lo, double hi) {
    chart.setCustomYAxisTickLabelsFormatter(v -> TickFormat.label(v, lo, hi));
  }

  /** X tick labels for a numeric axis from {@code lo} to {@code hi}. */
  void formatX(double lo, double hi) {
    chart.setCustomXAxisTickLabelsFormatter(v -> TickFormat.label(v, lo, hi));
  }

  /** A count y axis: integer ticks labelled, ticks between integers left blank. */
  void countY() {
    chart.setCustomYAxisTickLabelsFormatter(v -> {
      String s = TickFormat.count(v);
      return s == null ? invisible(v) : s;
    });
  }

  /** A count x axis (steps, epochs): integer ticks labelled, ticks between integers left blank. */
  void countX() {
    chart.setCustomXAxisTickLabelsFormatter(v -> {
      String s = TickFormat.count(v);
      return s == null ? invisible(v) : s;
    });
  }

  private static final String ZERO_WIDTH_PAD = "\u200b".repeat(5);
  private static final char[] ZERO_WIDTH = {'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'};

  /** A 4-character zero-width string, distinct for tick values that differ by at least 0.05 (over 31 units). */
  static String invisible(double v) {
    long id = Math.floorMod(Math.round(v * 20) + 100, 625);
    StringBuilder sb = new StringBuilder(4);
    for (int d = 0; d < 4; d++) {
      sb.append(ZERO_WIDTH[(int) (id % 5)]);
      id /= 5;
    }
    return sb.toString();
  }

  void save(Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
