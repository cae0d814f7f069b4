package dev.harness.engine.local.quant;

/**
 * How the local engine stores linear weights: {@code none} (the model dtype), {@code nf4} (4-bit NormalFloat,
 * float32 absmax per 64 weights, as bitsandbytes' default) or {@code nf4_dq} (NF4 with double-quantized absmax).
 */
public enum Quantization {
  NONE("none"),
  NF4("nf4"),
  NF4_DQ("nf4_dq");

  private final String key;

  Quantization(String key) { this.key = key; }

  public String key() { return key; }

  public boolean nf4() { return this != NONE; }

  public static Quantization parse(String s) {
    if (s == null) return NONE;
    for (Quantization q : values()) {
      if (q.key.equals(s)) return q;
    }
    throw new IllegalArgumentException("quantization must be none, nf4 or nf4_dq, got " + s);
  }
}
