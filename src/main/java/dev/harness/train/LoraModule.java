package dev.harness.train;

/**
 * One LoRA pair on a base projection: A [r, in] and B [out, r] as float32 row-major arrays (the optimizer's master
 * copy). {@code path} is the module's path in the base model, e.g. {@code model.layers.0.self_attn.q_proj}.
 */
public final class LoraModule {
  private final String path;
  private final int r;
  private final int in;
  private final int out;
  final float[] a;
  final float[] b;

  LoraModule(String path, int r, int in, int out, float[] a, float[] b) {
    if (a.length != (long) r * in) throw new IllegalArgumentException(path + ": lora_A has " + a.length + " values, expected " + r + "x" + in);
    if (b.length != (long) out * r) throw new IllegalArgumentException(path + ": lora_B has " + b.length + " values, expected " + out + "x" + r);
    this.path = path;
    this.r = r;
    this.in = in;
    this.out = out;
    this.a = a;
    this.b = b;
  }

  /** PEFT's initialisation: A Kaiming-uniform with a = √5 (uniform in ±1/√in), B zeros. */
  static LoraModule init(String path, int r, int in, int out, java.util.Random rng) {
    float[] a = new float[r * in];
    double bound = 1.0 / Math.sqrt(in);
    for (int i = 0; i < a.length; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    return new LoraModule(path, r, in, out, a, new float[out * r]);
  }

  public String path() { return path; }

  public int r() { return r; }

  public int in() { return in; }

  public int out() { return out; }

  public float[] a() { return a; }

  public float[] b() { return b; }

  /** PEFT's tensor name for lora_A or lora_B of this module. */
  public String key(char which) { return dev.harness.engine.local.lora.PeftAdapter.key(path, which); }
}
