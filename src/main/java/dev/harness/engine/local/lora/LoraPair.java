package dev.harness.engine.local.lora;

/** One module's LoRA matrices, row-major: A [r, in] and B [out, r] (PEFT's nn.Linear layouts). */
public record LoraPair(float[] a, int r, int in, float[] b, int out) {
  public LoraPair {
    if (r <= 0 || in <= 0 || out <= 0) throw new IllegalArgumentException("LoRA pair: r, in, out must be positive");
    if (a.length != (long) r * in) throw new IllegalArgumentException("LoRA pair: A has " + a.length + " values for [" + r + ", " + in + "]");
    if (b.length != (long) out * r) throw new IllegalArgumentException("LoRA pair: B has " + b.length + " values for [" + out + ", " + r + "]");
  }

  /** scaling · B·A as [out, in], row-major (the delta PEFT's merge adds to an nn.Linear weight). */
  public float[] delta(double scaling) {
    float[] d = new float[out * in];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < r; k++) {
        double bk = b[o * r + k] * scaling;
        if (bk == 0) continue;
        for (int i = 0; i < in; i++) d[o * in + i] += (float) (bk * a[k * in + i]);
      }
    }
    return d;
  }
}
