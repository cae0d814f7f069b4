package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  private static double[] sample() {
    Random r = new Random(7);
    double[] x = new double[50];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble();
    }
    return x;
  }

  @Test
  void ciBracketsTheMeanAndIsReproducible() {
    double[] x = sample();
    Interval a = Bootstrap.meanCi(x, 10_000, 0.95, 42);
    Interval b = Bootstrap.meanCi(x, 10_000, 0.95, 42);
    assertEquals(a, b);
    assertEquals(Descriptive.mean(x), a.estimate(), 1e-15);
    assertTrue(a.lo() < a.estimate() && a.estimate() < a.hi(), a.toString());
    assertEquals(50, a.n());
    // width close to the normal approximation 2 × 1.96 × se
    double se = Descriptive.stderr(x);
    assertEquals(2 * 1.96 * se, a.hi() - a.lo(), 0.15 * 2 * 1.96 * se);
    Interval c = Bootstrap.meanCi(x, 10_000, 0.95, 43);
    assertNotEquals(a.lo(), c.lo());
    // a 50% interval is narrower than a 95% one
    Interval half = Bootstrap.meanCi(x, 10_000, 0.5, 42);
    assertTrue(half.hi() - half.lo() < a.hi() - a.lo());
  }

  @Test
  void degenerateSizes() {
    Interval empty = Bootstrap.meanCi(new double[0], 100, 0.95, 1);
    assertEquals(0, empty.n());
    assertTrue(Double.isNaN(empty.estimate()) && Double.isNaN(empty.lo()) && Double.isNaN(empty.hi()));
    assertEquals(new Interval(0.3, 0.3, 0.3, 1, 0.95), Bootstrap.meanCi(new double[] {0.3}, 100, 0.95, 1));
    assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanCi(new double[] {Double.NaN}, 100, 0.95, 1));
    assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanCi(new double[] {1}, 0, 0.95, 1));
    assertThrows(IllegalArgumentException.class, () -> Bootstrap.meanCi(new double[] {1}, 10, 1.0, 1));
  }

  @Test
  void pairedIdenticalSystemsGiveExactlyZero() {
    double[] x = sample();
    Interval d = PairedBootstrap.meanDiffCi(x, x.clone(), 10_000, 0.95, 3);
    assertEquals(0.0, d.estimate());
    assertEquals(0.0, d.lo());
    assertEquals(0.0, d.hi());
  }

  @Test
  void pairedUsesTheSameIndicesForBothSystems() {
    // b = a - 0.1 exactly per item: every resample's paired diff is 0.1 although a varies a lot
    double[] a = sample();
    double[] b = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i] - 0.1;
    }
    Interval d = PairedBootstrap.meanDiffCi(a, b, 2_000, 0.95, 5);
    assertEquals(0.1, d.estimate(), 1e-12);
    assertEquals(0.1, d.lo(), 1e-12);
    assertEquals(0.1, d.hi(), 1e-12);
    assertEquals(d, PairedBootstrap.meanDiffCi(a, b, 2_000, 0.95, 5));
    assertThrows(IllegalArgumentException.class,
        () -> PairedBootstrap.meanDiffCi(new double[2], new double[3], 10, 0.95, 1));
  }

  @Test
  void pairedDetectsAConsistentShift() {
    double[] a = sample();
    Random r = new Random(11);
    double[] b = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i] + 0.2 + 0.05 * r.nextGaussian();
    }
    Interval d = PairedBootstrap.meanDiffCi(a, b, 5_000, 0.95, 9);
    assertTrue(d.hi() < 0 && d.lo() > -0.3, d.toString());
    assertTrue(d.lo() < d.estimate() && d.estimate() < d.hi());
  }

  @Test
  void averageSeedsPerItem() {
    assertArrayEquals(new double[] {0.5, 2.0, 1.0},
        PairedBootstrap.averageSeeds(new double[][] {{0, 1}, {1, 2, 3}, {1}}), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.averageSeeds(new double[][] {{}}));
  }
}
