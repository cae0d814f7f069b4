package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  private static final double N = Double.NaN;
  private static final List<String> BINS = List.of("0–1k", "1k–2k", "2k–4k", "4k–8k");

  @TempDir Path dir;

  /** A real 900×600 PNG with more than a blank canvas in it. */
  private static void assertPng(Path p) throws Exception {
    byte[] bytes = Files.readAllBytes(p);
    assertTrue(bytes.length > 3_000, p + " is only " + bytes.length + " bytes");
    byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    byte[] head = new byte[8];
    System.arraycopy(bytes, 0, head, 0, 8);
    assertArrayEquals(magic, head);
    BufferedImage img = ImageIO.read(p.toFile());
    assertEquals(900, img.getWidth());
    assertEquals(600, img.getHeight());
    long colours = IntStream.range(0, 600).flatMap(y -> IntStream.range(0, 900).map(x -> img.getRGB(x, y)))
        .distinct().count();
    assertTrue(colours > 5, "image has only " + colours + " colours");
  }

  private static List<PlotSeries> series() {
    return List.of(
        new PlotSeries("budget 1.0", new double[] {0.6, 0.58, 0.55, 0.5}, new double[] {0.5, 0.5, 0.47, 0.41},
            new double[] {0.68, 0.66, 0.63, 0.58}),
        new PlotSeries("budget 0.2", new double[] {0.59, N, 0.3, 0.2}, new double[] {0.5, N, 0.2, N},
            new double[] {0.67, N, 0.4, N}),
        PlotSeries.of("budget 0.1", new double[] {N, N, N, N}));
  }

  @Test
  void lineChartWithNaNs() throws Exception {
    Path p = dir.resolve("nested/acc_by_bin.png");
    Plots.lineWithErrorBars(p, "F1 by bin", "prompt length (tokens)", "F1", BINS, series());
    assertPng(p);
  }

  @Test
  void barChartWithNaNs() throws Exception {
    Path p = dir.resolve("fail_by_bin.png");
    Plots.bars(p, "Failure rate", "bin", "rate", BINS, series());
    assertPng(p);
  }

  @Test
  void allNaNStillDrawsAFigure() throws Exception {
    Path a = dir.resolve("a.png");
    Plots.lineWithErrorBars(a, "nothing", "x", "y", BINS, List.of(PlotSeries.of("s", new double[] {N, N, N, N})));
    assertPng(a);
    Path b = dir.resolve("b.png");
    Plots.bars(b, "nothing", "x", "y", BINS, List.of(PlotSeries.of("s", new double[] {N, N, N, N})));
    assertPng(b);
    Path c = dir.resolve("c.png");
    Plots.histogram(c, "nothing", "x", new double[] {N, Double.POSITIVE_INFINITY}, 10);
    assertPng(c);
    Path d = dir.resolve("d.png");
    Plots.scatterWithErrorBars(d, "nothing", "x", "y", List.of(Point.of("p", N, 1)));
    assertPng(d);
  }

  @Test
  void manyLongCategories() throws Exception {
    List<String> cats = IntStream.range(0, 14).mapToObj(i -> (1 << i) + "–" + (2 << i) + " tokens").toList();
    double[] y = IntStream.range(0, 14).mapToDouble(i -> 1.0 / (i + 1)).toArray();
    Path p = dir.resolve("many.png");
    Plots.lineWithErrorBars(p, "many", "bin", "score", cats, List.of(PlotSeries.of("s", y)));
    assertPng(p);
  }

  @Test
  void histogramAndScatter() throws Exception {
    Path h = dir.resolve("hist.png");
    Plots.histogram(h, "KL per prompt", "KL (nats)", new double[] {0.1, 0.2, 0.2, 0.3, N, 0.9, 1.4}, 6);
    assertPng(h);
    Path same = dir.resolve("same.png");
    Plots.histogram(same, "constant", "x", new double[] {2, 2, 2}, 4);
    assertPng(same);
    Path s = dir.resolve("tradeoff.png");
    Plots.scatterWithErrorBars(s, "Trade-off", "Δ mc2", "Δ acc", List.of(
        new Point("lora-sft", 0.02, -0.01, 0.0, 0.04, -0.03, 0.01),
        new Point("lora-tvd", 0.05, 0.01, 0.03, 0.07, N, N),
        Point.of("lora-sft", 0, 0),
        Point.of("missing", N, N)));
    assertPng(s);
  }

  @Test
  void histogramBinsMatchNumpy() {
    // numpy.histogram([0, 1, 2, 3, 4], bins=4) -> [1, 1, 1, 2] (last bin closed)
    assertArrayEquals(new int[] {1, 1, 1, 2}, Plots.binCounts(new double[] {0, 1, 2, 3, 4}, 0, 4, 4));
  }

  @Test
  void rejectsMismatchedSeries() {
    assertThrows(IllegalArgumentException.class, () -> Plots.lineWithErrorBars(dir.resolve("x.png"), "t", "x", "y",
        BINS, List.of(PlotSeries.of("s", new double[] {1, 2}))));
    assertThrows(IllegalArgumentException.class, () -> new PlotSeries("s", new double[] {1}, new double[] {1}, null));
  }

  @Test
  void aReferenceLineSitsOnItsCategoriesAndDataSeriesAreDodgedAroundIt() {
    // target + 2 data series: dodge = min(0.2, 0.5/2) = 0.2 → data at ∓0.1, the target at 0 (issue 15: calibration)
    double[] off = Plots.dodgeOffsets(List.of(PlotSeries.reference("target", new double[] {0.1, 0.5}),
        PlotSeries.of("a", new double[] {0.2, 0.4}), PlotSeries.of("b", new double[] {0.3, 0.6})));
    assertEquals(0.0, off[0], 1e-12);
    assertEquals(-0.1, off[1], 1e-12);
    assertEquals(0.1, off[2], 1e-12);
    // 5 data series: dodge = 0.5/5 = 0.1 → -0.2, -0.1, 0, 0.1, 0.2
    double[] five = Plots.dodgeOffsets(java.util.stream.IntStream.range(0, 5)
        .mapToObj(i -> PlotSeries.of("s" + i, new double[] {1})).toList());
    assertArrayEquals(new double[] {-0.2, -0.1, 0, 0.1, 0.2}, five, 1e-12);
  }

  @Test
  void yRangeCoversBoundsAndZeroForBars() {
    PlotSeries s = new PlotSeries("a", new double[] {0.4, Double.NaN}, new double[] {0.3, Double.NaN},
        new double[] {0.55, Double.NaN});
    assertArrayEquals(new double[] {0.3, 0.55}, Plots.yRange(List.of(s), false), 1e-12);
    assertArrayEquals(new double[] {0, 0.55}, Plots.yRange(List.of(s), true), 1e-12);
  }

  @Test
  void seriesWithNAndReferenceDraw() throws Exception {
    Path png = dir.resolve("cal.png");
    Plots.lineWithErrorBars(png, "calibration", "target p (%)", "P(w1)", List.of("10", "50", "90"), List.of(
        PlotSeries.reference("target p/100", new double[] {0.1, 0.5, 0.9}),
        new PlotSeries("model", new double[] {0.2, 0.45, 0.7}, new double[] {0.1, 0.4, 0.6},
            new double[] {0.3, 0.5, 0.8}).withN(new int[] {12, 12, 11})));
    assertPng(png);
  }
}
