package dev.harness.train;

/**
 * AdamW as torch.optim.AdamW computes it, per parameter array: decoupled weight decay p ← p·(1 − lr·wd), then
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε), t the 1-based
 * step. Moments are float32 like torch's; the update is computed in double.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;

  public AdamW(double beta1, double beta2, double eps, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** One update of {@code p} in place with gradient {@code g}, moments {@code m}, {@code v}, at 1-based {@code step}. */
  public void update(float[] p, float[] g, float[] m, float[] v, long step, double lr) {
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    double decay = 1 - lr * weightDecay;
    for (int i = 0; i < p.length; i++) {
      double gi = g[i];
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * gi);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * gi * gi);
      double denom = Math.sqrt(v[i] / bc2) + eps;
      p[i] = (float) (p[i] * decay - lr * (m[i] / bc1) / denom);
    }
  }
}
