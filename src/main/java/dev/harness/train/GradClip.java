package dev.harness.train;

import java.util.Collection;

/**
 * Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_: the L2 norm over every gradient array together;
 * when it exceeds {@code max} every gradient is multiplied by max / (norm + 1e-6). {@code max} 0 disables clipping.
 */
public final class GradClip {
  private GradClip() {}

  public static double norm(Collection<float[]> grads) {
    double sq = 0;
    for (float[] g : grads) for (float x : g) sq += (double) x * x;
    return Math.sqrt(sq);
  }

  /** Clips in place; returns the norm before clipping. */
  public static double clip(Collection<float[]> grads, double max) {
    double n = norm(grads);
    if (max > 0 && n > max) {
      float f = (float) (max / (n + 1e-6));
      for (float[] g : grads) for (int i = 0; i < g.length; i++) g[i] *= f;
    }
    return n;
  }
}
