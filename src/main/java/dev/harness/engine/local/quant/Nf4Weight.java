package dev.harness.engine.local.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An NF4 linear weight W [out, in] (nn.Linear layout, quantized in row-major order like bitsandbytes) held as
 * NDArrays in the weights manager: the packed codes as uint8, padded to whole blocks, and the absmax per block as
 * float32 [blocks, 1], or for a double-quantized tensor the int8 absmax codes [groups, 256], their scales
 * [groups, 1] and the mean. {@link #dequantize} rebuilds the float weight natively, as Wᵀ [in, out] (the layout of
 * the forward passes, x · Wᵀ).
 */
public final class Nf4Weight implements AutoCloseable {
  private final int out;
  private final int in;
  private final int size;
  private final int blocks;
  private final DataType type;
  private final long bytes;
  private final NDArray packed;
  private final NDArray code;
  private final NDArray absmax;
  private final NDArray absmaxCodes;
  private final NDArray absmaxScales;
  private final float absmaxMean;

  private Nf4Weight(int out, int in, DataType type, long bytes, int blocks, NDArray packed, NDArray code,
      NDArray absmax, NDArray absmaxCodes, NDArray absmaxScales, float absmaxMean) {
    this.out = out;
    this.in = in;
    this.size = out * in;
    this.blocks = blocks;
    this.type = type;
    this.bytes = bytes;
    this.packed = packed;
    this.code = code;
    this.absmax = absmax;
    this.absmaxCodes = absmaxCodes;
    this.absmaxScales = absmaxScales;
    this.absmaxMean = absmaxMean;
  }

  /** Quantizes W [out, in] (row-major floats) and moves it into {@code weights}; {@code type} is the compute dtype. */
  public static Nf4Weight quantize(NDManager weights, float[] w, int out, int in, boolean doubleQuant, DataType type) {
    return of(weights, Nf4.quantize(w, doubleQuant), out, in, type);
  }

  public static Nf4Weight of(NDManager weights, Nf4Tensor t, int out, int in, DataType type) {
    if ((long) out * in != t.size()) throw new IllegalArgumentException("nf4: " + t.size() + " elements for [" + out + ", " + in + "]");
    int blocks = t.blocks();
    ByteBuffer p = direct(blocks * (Nf4.BLOCK / 2));
    p.put(t.packed()).rewind();
    NDArray packed = weights.create(p, new Shape(blocks * (Nf4.BLOCK / 2)), DataType.UINT8);
    float[] hiCode = new float[256];
    float[] loCode = new float[256];
    for (int b = 0; b < 256; b++) {
      hiCode[b] = Nf4.CODE[b / 16]; // the high nibble, floor(b / 16): the first element of the pair
      loCode[b] = Nf4.CODE[b % 16]; // the low nibble, b mod 16: the second
    }
    NDArray code = weights.create(new float[][] {hiCode, loCode});
    if (!t.doubleQuantized()) {
      NDArray absmax = weights.create(t.absmax(), new Shape(blocks, 1));
      return new Nf4Weight(out, in, type, t.bytes(), blocks, packed, code, absmax, null, null, 0f);
    }
    int groups = t.absmaxScales().length;
    ByteBuffer c = direct(groups * Nf4.DQ_BLOCK);
    c.put(t.absmaxCodes()).rewind();
    NDArray codes = weights.create(c, new Shape(groups, Nf4.DQ_BLOCK), DataType.INT8);
    NDArray scales = weights.create(t.absmaxScales(), new Shape(groups, 1));
    return new Nf4Weight(out, in, type, t.bytes(), blocks, packed, code, null, codes, scales, t.absmaxMean());
  }

  private static ByteBuffer direct(int n) { return ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()); }

  public int out() { return out; }

  public int in() { return in; }

  /** Storage bytes of the quantized form ({@link Nf4Tensor#bytes}). */
  public long bytes() { return bytes; }

  /**
   * Wᵀ [in, out] in the compute dtype, attached to {@code step}: for every byte b, the code values of its nibbles
   * floor(b / 16) (first element) and b mod 16 (second) are gathered from two 256-entry tables made from
   * {@link Nf4#CODE} at load (one gather per nibble, indexed by the byte itself, so no per-element nibble arrays),
   * interleaved, and multiplied by the absmax of their block. Temporaries are closed before returning: the peak is
   * the int64 byte indices (4 bytes per weight) plus two float copies of the weight.
   */
  public NDArray dequantize(NDManager step) {
    NDArray wT;
    try (NDManager tmp = step.newSubManager()) {
      NDArray idx = packed.get(tmp, new NDIndex(":")).toType(DataType.INT64, false);
      NDArray hi = code.get(tmp, new NDIndex("0")).take(tmp, idx);
      NDArray lo = code.get(tmp, new NDIndex("1")).take(tmp, idx);
      idx.close();
      NDArray vals = NDArrays.stack(new ai.djl.ndarray.NDList(hi, lo), 1);
      hi.close();
      lo.close();
      vals = vals.reshape(blocks, Nf4.BLOCK).muli(absmax(tmp));
      NDArray flat = vals.reshape(-1);
      if (flat.size() != size) flat = flat.get(new NDIndex("0:{}", size));
      wT = flat.reshape(out, in).transpose();
      if (type != DataType.FLOAT32) wT = wT.toType(type, false);
      wT.attach(step);
    }
    return wT;
  }

  /** The absmax values [blocks, 1] as float32 in {@code step}. */
  NDArray absmax(NDManager step) {
    if (absmax != null) return absmax.get(step, new NDIndex(":"));
    NDArray a = absmaxCodes.get(step, new NDIndex(":")).toType(DataType.FLOAT32, false).muli(absmaxScales).addi(absmaxMean);
    a = a.reshape(-1);
    if (a.size() != blocks) a = a.get(new NDIndex("0:{}", blocks));
    return a.reshape(blocks, 1);
  }

  @Override
  public void close() {
    packed.close();
    code.close();
    if (absmax != null) absmax.close();
    if (absmaxCodes != null) absmaxCodes.close();
    if (absmaxScales != null) absmaxScales.close();
  }
}
