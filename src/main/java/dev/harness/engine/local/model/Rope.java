package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding as transformers computes it: inv_freq_i = 1/theta^(2i/d) in float32 (with llama3
 * scaling when configured), angle = position · inv_freq in float32, emb = concat(freqs, freqs), cos/sin in float32,
 * and q' = q·cos + rotate_half(q)·sin with the half split.
 */
public final class Rope {
  private final int headDim;
  private final float[] invFreq;

  public Rope(int headDim, double theta, RopeScaling scaling) {
    this.headDim = headDim;
    this.invFreq = inverseFrequencies(headDim, theta, scaling);
  }

  static float[] inverseFrequencies(int d, double theta, RopeScaling s) {
    float[] inv = new float[d / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / d;
      float base = (float) Math.pow(theta, exponent);
      inv[i] = 1.0f / base;
    }
    if (s == null) return inv;
    double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen > lowWavelen) {
        inv[i] = (float) (inv[i] / s.factor());
      } else if (wavelen >= highWavelen) {
        double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
        inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
      }
    }
    return inv;
  }

  public float[] inverseFrequencies() { return invFreq.clone(); }

  /** cos and sin, each [T, 1, headDim] in {@code type}, for the given absolute positions. */
  public NDArray[] cosSin(NDManager m, int[] positions, DataType type) {
    int half = headDim / 2;
    float[] cos = new float[positions.length * headDim];
    float[] sin = new float[positions.length * headDim];
    for (int t = 0; t < positions.length; t++) {
      float p = positions[t];
      for (int i = 0; i < half; i++) {
        float angle = p * invFreq[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[t * headDim + i] = c;
        cos[t * headDim + half + i] = c;
        sin[t * headDim + i] = s;
        sin[t * headDim + half + i] = s;
      }
    }
    Shape shape = new Shape(positions.length, 1, headDim);
    NDArray c = m.create(cos, shape);
    NDArray s = m.create(sin, shape);
    if (type != DataType.FLOAT32) return new NDArray[] {c.toType(type, false), s.toType(type, false)};
    return new NDArray[] {c, s};
  }

  /** x [T, heads, headDim] rotated: x·cos + rotate_half(x)·sin. */
  public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(2) / 2;
    var halves = x.split(new long[] {half}, 2);
    NDArray neg = halves.get(1).neg();
    NDArray rotated = neg.concat(halves.get(0), 2);
    neg.close();
    halves.close();
    NDArray out = x.mul(cos).addi(rotated.muli(sin));
    rotated.close();
    return out;
  }
}
