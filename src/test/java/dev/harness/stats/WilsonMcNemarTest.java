package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WilsonMcNemarTest {
  @Test
  void wilsonHandComputed() {
    // p=0.8, z=1.959964: centre (0.8+0.19207)/1.38415 = 0.71681, half 0.22658
    Interval i = Wilson.interval(8, 10, 0.95);
    assertEquals(0.8, i.estimate(), 1e-15);
    assertEquals(0.4902, i.lo(), 5e-5);
    assertEquals(0.9433, i.hi(), 5e-5);
    Interval zero = Wilson.interval(0, 10, 0.95);
    assertEquals(0.0, zero.lo());
    assertEquals(0.2775, zero.hi(), 5e-5);
    Interval all = Wilson.interval(10, 10, 0.95);
    assertEquals(0.7225, all.lo(), 5e-5);
    assertEquals(1.0, all.hi());
    Interval half = Wilson.interval(1, 2, 0.95);
    assertEquals(0.0945, half.lo(), 5e-5);
    assertEquals(0.9055, half.hi(), 5e-5);
  }

  @Test
  void wilsonNoData() {
    Interval i = Wilson.interval(0, 0, 0.95);
    assertEquals(0, i.n());
    assertTrue(Double.isNaN(i.estimate()));
    assertEquals("n/a (n=0)", i.format(3));
    assertThrows(IllegalArgumentException.class, () -> Wilson.interval(3, 2, 0.95));
  }

  @Test
  void mcnemarKnownValue() {
    // P[X<=2], X~Bin(12, 1/2) = (1+12+66)/4096; two-sided 158/4096 = 0.0385742
    McNemarResult r = McNemar.test(10, 2);
    assertEquals(158.0 / 4096, r.exactP(), 1e-12);
    assertEquals(0.0386, r.exactP(), 5e-5);
    // mid-p: 2 × (79 − 66/2)/4096 = 92/4096
    assertEquals(92.0 / 4096, r.midP(), 1e-12);
    assertEquals(49.0 / 12, r.chi2(), 1e-12);
    assertEquals(0.0433081428, r.chi2P(), 1e-9); // erfc(sqrt(chi2/2))
    assertEquals(r.exactP(), McNemar.test(2, 10).exactP(), 0);
  }

  @Test
  void mcnemarNoDiscordantPairs() {
    McNemarResult r = McNemar.test(0, 0);
    assertEquals(1.0, r.exactP());
    assertEquals(1.0, r.midP());
    assertEquals(0.0, r.chi2());
    assertEquals(1.0, r.chi2P());
    // balanced counts: p capped at 1
    assertEquals(1.0, McNemar.test(5, 5).exactP());
  }

  @Test
  void mcnemarFromOutcomes() {
    boolean[] a = {true, true, true, false, false, true};
    boolean[] b = {true, false, false, true, false, false};
    McNemarResult r = McNemar.test(a, b);
    assertEquals(3, r.b()); // only A right: items 1, 2, 5
    assertEquals(1, r.c()); // only B right: item 3
    // P[X<=1], X~Bin(4, 1/2) = 5/16; two-sided 10/16
    assertEquals(0.625, r.exactP(), 1e-12);
  }
}
