package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalTest {
  @Test
  void formats() {
    assertEquals("0.512 [0.430, 0.601] (n=20)", new Interval(0.5121, 0.43, 0.6009, 20, 0.95).format(3));
    assertEquals("n/a (n=0)", Interval.empty(0.95).format(3));
    assertEquals("0.50 [n/a, n/a] (n=1)", new Interval(0.5, Double.NaN, Double.NaN, 1, 0.95).format(2));
    assertEquals("-26.8 [-35.1, -18.0] (n=20)", new Interval(-0.268, -0.351, -0.18, 20, 0.95).scaled(100).format(1));
  }

  @Test
  void scaledAndExcludes() {
    Interval i = new Interval(0.2, 0.1, 0.3, 5, 0.9).scaled(-1);
    assertEquals(-0.3, i.lo(), 1e-15);
    assertEquals(-0.1, i.hi(), 1e-15);
    assertTrue(i.excludes(0));
    assertFalse(new Interval(0, -0.1, 0.1, 5, 0.9).excludes(0));
    assertFalse(Interval.empty(0.95).excludes(0));
  }
}
