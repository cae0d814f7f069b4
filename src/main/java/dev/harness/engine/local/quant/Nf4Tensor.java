package dev.harness.engine.local.quant;

/**
 * A tensor in QLoRA's 4-bit NormalFloat format, flattened in row-major order: {@code packed} holds two 4-bit code
 * indices per byte, the first element of each pair in the HIGH nibble (an odd count leaves the last low nibble 0);
 * one absmax per block of {@link Nf4#BLOCK} elements.
 *
 * <p>Without double quantization {@code absmax} holds the float32 absmax values and the three double-quantization
 * fields are null / 0. With double quantization {@code absmax} is null and the absmax values are stored as
 * {@code absmaxCodes} (one signed 8-bit code per absmax: symmetric linear int8, −127..127), {@code absmaxScales}
 * (one float32 scale per block of {@link Nf4#DQ_BLOCK} absmax values: the block's max |absmax − mean| / 127) and
 * {@code absmaxMean} (the mean of all absmax values, subtracted before and added back after).
 */
public record Nf4Tensor(byte[] packed, int size, float[] absmax, byte[] absmaxCodes, float[] absmaxScales, float absmaxMean) {

  public Nf4Tensor {
    if (size < 0 || packed.length != (size + 1) / 2) {
      throw new IllegalArgumentException("nf4: " + packed.length + " packed bytes for " + size + " elements");
    }
    int blocks = Nf4.blocks(size);
    if (absmax != null) {
      if (absmax.length != blocks || absmaxCodes != null || absmaxScales != null) {
        throw new IllegalArgumentException("nf4: " + absmax.length + " absmax values for " + blocks + " blocks");
      }
    } else {
      if (absmaxCodes == null || absmaxScales == null || absmaxCodes.length != blocks
          || absmaxScales.length != (blocks + Nf4.DQ_BLOCK - 1) / Nf4.DQ_BLOCK) {
        throw new IllegalArgumentException("nf4: double-quantized absmax does not fit " + blocks + " blocks");
      }
    }
  }

  public boolean doubleQuantized() { return absmax == null; }

  /** Number of blocks of {@link Nf4#BLOCK} elements (the last may be partial). */
  public int blocks() { return Nf4.blocks(size); }

  /** The 4-bit code index (0–15) of element {@code i}. */
  public int code(int i) {
    int b = packed[i >> 1] & 0xff;
    return (i & 1) == 0 ? b >>> 4 : b & 0x0f;
  }

  /** The absmax of every block as float32 (dequantized from the 8-bit codes when double-quantized). */
  public float[] absmaxValues() {
    if (absmax != null) return absmax.clone();
    float[] out = new float[absmaxCodes.length];
    for (int i = 0; i < out.length; i++) out[i] = absmaxCodes[i] * absmaxScales[i / Nf4.DQ_BLOCK] + absmaxMean;
    return out;
  }

  /**
   * Storage bytes: the packed codes plus 4 bytes per absmax, or (double-quantized) 1 byte per absmax code, 4 per
   * 256-block scale and 4 for the mean.
   */
  public long bytes() {
    long b = packed.length;
    if (absmax != null) return b + 4L * absmax.length;
    return b + absmaxCodes.length + 4L * absmaxScales.length + 4L;
  }
}
