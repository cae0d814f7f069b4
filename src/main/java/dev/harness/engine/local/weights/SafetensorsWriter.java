package dev.harness.engine.local.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes safetensors files (F32, F16 or BF16), e.g. for test checkpoints and trained adapters. */
public final class SafetensorsWriter {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** Raw little-endian bytes of one tensor. */
  public record Tensor(DType dtype, long[] shape, byte[] data) {}

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
    long n = 1;
    for (long d : shape) n *= d;
    if (n != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for " + n + " elements");
    ByteBuffer b = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (dtype) {
        case F32 -> b.putFloat(v);
        case F16 -> b.putShort(toHalf(v));
        case BF16 -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        default -> throw new IllegalStateException();
      }
    }
    tensors.put(name, new Tensor(dtype, shape.clone(), b.array()));
    return this;
  }

  public SafetensorsWriter add(String name, long[] shape, float[] values) { return add(name, DType.F32, shape, values); }

  public void write(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype().name());
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) shape.add(d);
      var offs = t.putArray("data_offsets");
      offs.add(offset);
      offset += e.getValue().data().length;
      offs.add(offset);
    }
    byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    byte[] hp = new byte[padded];
    java.util.Arrays.fill(hp, (byte) ' ');
    System.arraycopy(h, 0, hp, 0, h.length);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(hp);
      for (Tensor t : tensors.values()) out.write(t.data());
    }
  }

  /** float → IEEE half, round to nearest even (Java 17 has no Float.floatToFloat16). */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    int e = exp - 127 + 15;
    if (e >= 0x1f) return (short) (sign | 0x7c00);
    if (e <= 0) {
      if (e < -10) return (short) sign;
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) == 1)) half++;
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) half++;
    return (short) (sign | half);
  }
}
