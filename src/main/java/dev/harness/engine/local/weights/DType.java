package dev.harness.engine.local.weights;

/** Element types of safetensors files that the local engine reads and writes. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) { this.bytes = bytes; }

  public int bytes() { return bytes; }

  /** The enum for a header's {@code dtype} string, or null when this reader does not support it. */
  public static DType parse(String s) {
    for (DType d : values()) {
      if (d.name().equals(s)) return d;
    }
    return null;
  }
}
