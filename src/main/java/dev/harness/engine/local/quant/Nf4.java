package dev.harness.engine.local.quant;

/**
 * QLoRA's 4-bit NormalFloat (bitsandbytes {@code nf4}): blocks of {@link #BLOCK} elements, each scaled by its absmax
 * and mapped to the nearest of the 16 {@link #CODE} values; two codes per byte, the first element in the high nibble.
 * Optional double quantization of the absmax values: their mean is subtracted and the rest quantized in blocks of
 * {@link #DQ_BLOCK} to 8 bits. The 8-bit code here is a symmetric linear int8 per 256-block (scale = max |v| / 127,
 * code = round(v / scale)), not bitsandbytes' dynamic 8-bit map; its error on an absmax is at most scale / 2.
 */
public final class Nf4 {
  /** The 16 bitsandbytes NF4 code values, index 0–15. */
  public static final float[] CODE = {
      -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
      -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
      0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
      0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

  /** Elements per absmax block. */
  public static final int BLOCK = 64;

  /** Absmax values per block of the double quantization. */
  public static final int DQ_BLOCK = 256;

  private static final float[] MID = new float[15];

  static {
    for (int i = 0; i < 15; i++) MID[i] = (CODE[i] + CODE[i + 1]) / 2f;
  }

  private Nf4() {}

  static int blocks(int size) { return (size + BLOCK - 1) / BLOCK; }

  /** Index of the code nearest to {@code x} (x in [−1, 1]); a value exactly between two codes goes to the upper one. */
  public static int nearest(float x) {
    int lo = 0;
    int hi = 15;
    while (lo < hi) { // first midpoint greater than x
      int m = (lo + hi) >>> 1;
      if (MID[m] > x) hi = m;
      else lo = m + 1;
    }
    return lo;
  }

  public static Nf4Tensor quantize(float[] values, boolean doubleQuant) {
    int n = values.length;
    int blocks = blocks(n);
    float[] absmax = new float[blocks];
    for (int b = 0; b < blocks; b++) {
      float m = 0f;
      for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
        float a = Math.abs(values[i]);
        if (Float.isNaN(a)) throw new IllegalArgumentException("nf4: NaN at element " + i);
        if (a > m) m = a;
      }
      absmax[b] = m;
    }
    byte[] packed = new byte[(n + 1) / 2];
    for (int i = 0; i < n; i++) {
      float m = absmax[i / BLOCK];
      int c = m == 0f ? 7 : nearest(values[i] / m);
      if ((i & 1) == 0) packed[i >> 1] = (byte) (c << 4);
      else packed[i >> 1] |= (byte) c;
    }
    if (!doubleQuant) return new Nf4Tensor(packed, n, absmax, null, null, 0f);
    double sum = 0;
    for (float a : absmax) sum += a;
    float mean = blocks == 0 ? 0f : (float) (sum / blocks);
    byte[] codes = new byte[blocks];
    float[] scales = new float[(blocks + DQ_BLOCK - 1) / DQ_BLOCK];
    for (int s = 0; s < scales.length; s++) {
      int start = s * DQ_BLOCK;
      int end = Math.min(blocks, start + DQ_BLOCK);
      float m = 0f;
      for (int i = start; i < end; i++) m = Math.max(m, Math.abs(absmax[i] - mean));
      float scale = m / 127f;
      scales[s] = scale;
      for (int i = start; i < end; i++) {
        codes[i] = scale == 0f ? 0 : (byte) Math.max(-127, Math.min(127, Math.round((absmax[i] - mean) / scale)));
      }
    }
    return new Nf4Tensor(packed, n, null, codes, scales, mean);
  }

  public static float[] dequantize(Nf4Tensor t) {
    float[] absmax = t.absmaxValues();
    float[] out = new float[t.size()];
    for (int i = 0; i < out.length; i++) out[i] = CODE[t.code(i)] * absmax[i / BLOCK];
    return out;
  }
}
