package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KlBootstrapTest {
  @Test
  void seededAndContainsTheMean() {
    double[] v = {0.1, 0.4, 0.2, 0.9, 0.3, 0.5};
    double[] a = KlBootstrap.meanInterval(v, 5000, 0.95, 42), b = KlBootstrap.meanInterval(v, 5000, 0.95, 42);
    assertArrayEquals(a, b);
    assertTrue(a[0] < 0.4 && 0.4 < a[1]);
    assertTrue(a[0] >= 0.1 && a[1] <= 0.9);
  }

  @Test
  void degenerateCases() {
    assertArrayEquals(new double[] {0.3, 0.3}, KlBootstrap.meanInterval(new double[] {0.3}, 100, 0.95, 1));
    assertTrue(Double.isNaN(KlBootstrap.meanInterval(new double[0], 100, 0.95, 1)[0]));
    double[] inf = KlBootstrap.meanInterval(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 100,
        0.95, 1);
    assertEquals(Double.POSITIVE_INFINITY, inf[0]);
  }
}
