package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Tick labels, hand-computed: step = span/5 rounded to 1/2/5 × 10^k; its decimals, one more for an in-between tick. */
class TickFormatTest {
  @Test
  void stepsAndDecimals() {
    assertEquals(0.2, TickFormat.step(1), 1e-15);      // 1/5 = 0.2
    assertEquals(0.02, TickFormat.step(0.1), 1e-15);   // 0.02
    assertEquals(1000, TickFormat.step(5000), 1e-9);   // 1000
    assertEquals(0.05, TickFormat.step(0.3), 1e-15);   // 0.06 → 5 × 10^-2
    assertEquals(2, TickFormat.step(12), 1e-12);       // 2.4 → 2
    assertEquals(10, TickFormat.step(40), 1e-12);      // 8 → 10
    assertEquals(1, TickFormat.decimals(0.2));
    assertEquals(2, TickFormat.decimals(0.05));
    assertEquals(0, TickFormat.decimals(1000));
    assertEquals(0, TickFormat.decimals(1));
    assertEquals(4, TickFormat.decimals(0.0002));
  }

  @Test
  void theIssuesExamples() {
    // 0.722467200137111 on a 0–1 axis: one decimal from the step 0.2, one more allowed, then rounded
    assertEquals("0.72", TickFormat.label(0.722467200137111, 0, 1));
    // .05: a leading zero, two decimals from the step 0.02
    assertEquals("0.05", TickFormat.label(0.05, 0, 0.1));
    // 3,935.508015 on a 0–5000 axis: no decimals from the step 1000, one allowed
    assertEquals("3,935.5", TickFormat.label(3935.508015, 0, 5000));
  }

  @Test
  void gridValues() {
    assertEquals("0.7", TickFormat.label(0.7, 0, 1));
    assertEquals("0.15", TickFormat.label(0.15, 0, 1));       // a tick between the 0.2 steps
    assertEquals("0.0", TickFormat.label(0, 0, 1));        // every label of an axis has its step's decimals
    assertEquals("0.0", TickFormat.label(-0.0, -1, 1));    // span 2 → step 0.5 → 1 decimal; no "-0.0"
    assertEquals("1.0", TickFormat.label(1.0000000000000002, 0, 1)); // float noise of a tick position
    assertEquals("-0.4", TickFormat.label(-0.4, -1, 1));
    assertEquals("1,500", TickFormat.label(1500, 0, 3000));
    assertEquals("12,000", TickFormat.label(12000, 0, 20000));
    assertEquals("2", TickFormat.label(2.0, 0, 10));
    assertEquals("0.00025", TickFormat.label(0.00025, 0, 0.001)); // step 0.0002: 4 decimals, one more
    assertEquals("-0.5", TickFormat.label(-0.5, -1, 1));
    assertEquals("-1,000", TickFormat.label(-1000, -5000, 0));
    assertEquals("0.30", TickFormat.label(0.3, 0.3, 0.3)); // degenerate: span |v| = 0.3 → step 0.05 → 2 decimals
  }

  @Test
  void niceBounds() {
    // [3935.5, 5210.2]: span 1274.7 → step 254.9 → 200 → [3800, 5400]
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3800, 5400}, TickFormat.niceBounds(3935.5, 5210.2), 1e-9);
    // [0.1, 0.9]: step 0.16 → 0.2 → [0, 1]
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 1}, TickFormat.niceBounds(0.1, 0.9), 1e-12);
    // bounds already on the grid stay
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.6}, TickFormat.niceBounds(0, 0.6), 1e-12);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-0.2, 0.4}, TickFormat.niceBounds(-0.13, 0.31), 1e-12);
  }

  @Test
  void countAxes() {
    assertEquals("3", TickFormat.count(3.0));
    assertEquals("0", TickFormat.count(0));
    assertEquals("1,000", TickFormat.count(1000));
    assertNull(TickFormat.count(2.5));
    assertNull(TickFormat.count(Double.NaN));
  }

  @Test
  void patterns() {
    assertEquals("#,##0", TickFormat.pattern(0));
    assertEquals("#,##0.00", TickFormat.pattern(2));
  }
}
