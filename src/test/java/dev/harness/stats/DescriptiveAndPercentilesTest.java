package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DescriptiveAndPercentilesTest {
  private static final double EPS = 1e-12;

  @Test
  void descriptiveMatchesHandValues() {
    double[] x = {0.2, 0.4, 0.4, 0.9, 1.0};
    // mean 2.9/5 = 0.58; squared deviations .1444 .0324 .0324 .1024 .1764 = .488; /4 = .122
    assertEquals(0.58, Descriptive.mean(x), EPS);
    assertEquals(0.122, Descriptive.variance(x), EPS);
    assertEquals(Math.sqrt(0.122), Descriptive.sd(x), EPS);
    assertEquals(Math.sqrt(0.122) / Math.sqrt(5), Descriptive.stderr(x), EPS); // 0.156205 as numpy
  }

  @Test
  void descriptiveIsNanSafe() {
    assertTrue(Double.isNaN(Descriptive.mean(new double[0])));
    assertTrue(Double.isNaN(Descriptive.variance(new double[] {1})));
    assertTrue(Double.isNaN(Descriptive.stderr(new double[] {1})));
    assertTrue(Double.isNaN(Descriptive.mean(new double[] {1, Double.NaN})));
  }

  @Test
  void quantileMatchesNumpyLinear() {
    double[] x = {3, 1, 4, 1, 5, 9, 2, 6}; // numpy.quantile values
    assertEquals(1.0, Percentiles.quantile(x, 0), EPS);
    assertEquals(1.0, Percentiles.quantile(x, 0.1), EPS);
    assertEquals(1.75, Percentiles.quantile(x, 0.25), EPS);
    assertEquals(3.5, Percentiles.quantile(x, 0.5), EPS);
    assertEquals(6.9, Percentiles.quantile(x, 0.9), 1e-12);
    assertEquals(7.95, Percentiles.quantile(x, 0.95), 1e-12);
    assertEquals(9.0, Percentiles.quantile(x, 1), EPS);
    assertEquals(3.5, Percentiles.median(x), EPS);
    assertEquals(1.5, Percentiles.median(new double[] {2, 1}), EPS);
    assertEquals(7.5, Percentiles.quantile(new double[] {7.5}, 0.3), EPS);
    // input not modified
    assertEquals(3.0, x[0]);
  }

  @Test
  void quantileEdgeCases() {
    assertTrue(Double.isNaN(Percentiles.quantile(new double[0], 0.5)));
    assertTrue(Double.isNaN(Percentiles.quantile(new double[] {1, Double.NaN}, 0.5)));
    assertThrows(IllegalArgumentException.class, () -> Percentiles.quantile(new double[] {1}, 1.5));
  }
}
