package dev.harness.engine.local.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** NF4 codes, packing and round-trip error, computed by hand from bitsandbytes' 16 code values. */
class Nf4Test {

  @Test
  void handPickedVectorGivesHandComputedCodesNibblesAndValues() {
    // absmax 2 → x/absmax = 1, -0.5, 0, 0.25, -1, 0.1
    // nearest codes: 1.0 (15); -0.52507 (2: |−0.5+0.52507| = 0.025 < 0.105 to −0.39492); 0.0 (7);
    // 0.24611 (10: 0.0039 < 0.085 to 0.16093); −1.0 (0); 0.07958 (8: 0.020 < 0.061 to 0.16093)
    float[] v = {2.0f, -1.0f, 0.0f, 0.5f, -2.0f, 0.2f};
    Nf4Tensor t = Nf4.quantize(v, false);
    assertEquals(6, t.size());
    assertArrayEquals(new float[] {2.0f}, t.absmax());
    // first element of each pair in the high nibble: 0xF2, 0x7A, 0x08
    assertArrayEquals(new byte[] {(byte) 0xF2, (byte) 0x7A, (byte) 0x08}, t.packed());
    int[] codes = new int[6];
    for (int i = 0; i < 6; i++) codes[i] = t.code(i);
    assertArrayEquals(new int[] {15, 2, 7, 10, 0, 8}, codes);
    float[] expected = {2.0f, 2 * -0.5250730514526367f, 0f, 2 * 0.24611230194568634f, -2.0f, 2 * 0.07958029955625534f};
    assertArrayEquals(expected, Nf4.dequantize(t), 0f);
    assertEquals(3 + 4, t.bytes());
  }

  @Test
  void oddCountLeavesLowNibbleZeroAndBlocksHaveTheirOwnAbsmax() {
    float[] v = new float[65];
    v[0] = 0.5f; // block 0: absmax 0.5 → 1.0 (15); the rest 0 → code 7
    v[64] = -3f; // block 1: one element, absmax 3 → −1.0 (0)
    Nf4Tensor t = Nf4.quantize(v, false);
    assertArrayEquals(new float[] {0.5f, 3f}, t.absmax());
    assertEquals(33, t.packed().length);
    assertEquals((byte) 0xF7, t.packed()[0]);
    assertEquals((byte) 0x77, t.packed()[1]);
    assertEquals((byte) 0x00, t.packed()[32]); // element 64 → code 0 in the high nibble, padding 0 below
    float[] d = Nf4.dequantize(t);
    assertEquals(0.5f, d[0]);
    assertEquals(0f, d[1]);
    assertEquals(-3f, d[64]);
  }

  @Test
  void allZeroBlockIsCodeSeven() {
    Nf4Tensor t = Nf4.quantize(new float[64], false);
    assertEquals(0f, t.absmax()[0]);
    for (int i = 0; i < 64; i++) assertEquals(7, t.code(i));
    assertArrayEquals(new float[64], Nf4.dequantize(t), 0f);
  }

  @Test
  void nearestPicksTheClosestCode() {
    for (int i = 0; i < 16; i++) assertEquals(i, Nf4.nearest(Nf4.CODE[i]));
    // just below and above the midpoint of codes 7 (0.0) and 8 (0.07958)
    float mid = (Nf4.CODE[7] + Nf4.CODE[8]) / 2;
    assertEquals(7, Nf4.nearest(Math.nextDown(mid)));
    assertEquals(8, Nf4.nearest(Math.nextUp(mid)));
  }

  /** Half the largest gap between consecutive codes: −0.69619 − (−1) = 0.30381 → 0.15190. */
  static double halfMaxGap() {
    double g = 0;
    for (int i = 0; i < 15; i++) g = Math.max(g, Nf4.CODE[i + 1] - Nf4.CODE[i]);
    return g / 2;
  }

  @Test
  void randomWeightsRoundTripWithinHalfTheLargestCodeSpacingTimesAbsmax() {
    assertEquals(0.15190, halfMaxGap(), 1e-5);
    Random rnd = new Random(7);
    float[] v = new float[64 * 50 + 17];
    for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 0.02);
    Nf4Tensor t = Nf4.quantize(v, false);
    float[] d = Nf4.dequantize(t);
    double worst = 0;
    for (int i = 0; i < v.length; i++) {
      double bound = halfMaxGap() * t.absmax()[i / Nf4.BLOCK] * (1 + 1e-6);
      double err = Math.abs(v[i] - d[i]);
      assertTrue(err <= bound, "element " + i + ": error " + err + " > " + bound);
      worst = Math.max(worst, err / t.absmax()[i / Nf4.BLOCK]);
    }
    // the bound is reached only just above −absmax; Gaussian data still reaches errors above 0.05 × absmax
    assertTrue(worst > 0.05, "suspiciously small worst error " + worst);
  }

  @Test
  void doubleQuantizationBytesAndError() {
    int n = 64 * 256 * 4;
    Random rnd = new Random(11);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
    Nf4Tensor plain = Nf4.quantize(v, false);
    Nf4Tensor dq = Nf4.quantize(v, true);
    // 0.5 + 4/64 = 0.5625 B/weight; 0.5 + 1/64 + 4/(64·256) + 4/n = 0.51593 B/weight
    assertEquals(0.5625, plain.bytes() / (double) n, 1e-12);
    assertEquals(n / 2 + n / 64 + 4 * 4 + 4, dq.bytes());
    assertEquals(0.516, dq.bytes() / (double) n, 5e-4);
    assertTrue(dq.doubleQuantized());
    assertNull(dq.absmax());
    assertArrayEquals(plain.packed(), dq.packed(), "the 4-bit codes do not depend on how absmax is stored");
    float[] exact = plain.absmax();
    float[] back = dq.absmaxValues();
    double mean = 0;
    for (float a : exact) mean += a;
    mean /= exact.length;
    assertEquals(mean, dq.absmaxMean(), 1e-5);
    for (int i = 0; i < exact.length; i++) {
      double bound = dq.absmaxScales()[i / Nf4.DQ_BLOCK] / 2 * (1 + 1e-5) + 1e-6;
      assertTrue(Math.abs(exact[i] - back[i]) <= bound, "absmax " + i + ": " + exact[i] + " vs " + back[i]);
    }
    float[] d = Nf4.dequantize(dq);
    for (int i = 0; i < n; i++) {
      double bound = halfMaxGap() * exact[i / Nf4.BLOCK] + Math.abs(exact[i / Nf4.BLOCK] - back[i / Nf4.BLOCK]) + 1e-6;
      assertTrue(Math.abs(v[i] - d[i]) <= bound, "element " + i);
    }
  }

  @Test
  void doubleQuantizationHandComputed() {
    // two blocks with absmax 1 and 3: mean 2, centred −1 and 1, scale 1/127, codes −127 and 127
    float[] v = new float[128];
    v[0] = 1f;
    v[64] = -3f;
    Nf4Tensor t = Nf4.quantize(v, true);
    assertEquals(2f, t.absmaxMean());
    assertArrayEquals(new byte[] {-127, 127}, t.absmaxCodes());
    assertArrayEquals(new float[] {1f / 127}, t.absmaxScales());
    assertArrayEquals(new float[] {1f, 3f}, t.absmaxValues(), 1e-6f);
    assertEquals(64 + 2 + 4 + 4, t.bytes());
  }
}
