package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.function.Consumer;

/** The building blocks of the forward passes, written to match transformers' numerics. */
public final class Ops {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  private Ops() {}

  /** Llama RMSNorm over the last axis: in float32 x·(mean(x²)+eps)^(−1/2), cast back, then × weight. */
  public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
    DataType in = x.getDataType();
    NDArray x32 = in == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray inv = x32.square().mean(new int[] {-1}, true).addi(eps).pow(-0.5);
    NDArray y = x32.mul(inv);
    if (in != DataType.FLOAT32) y = y.toType(in, false);
    return y.muli(weight);
  }

  /** torch layer_norm over the last axis. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
    NDList out = LayerNorm.layerNorm(x, new Shape(x.getShape().getLastDimension()), gamma, beta, (float) eps);
    return out.singletonOrThrow();
  }

  /** SiLU: x·sigmoid(x). */
  public static NDArray silu(NDArray x) { return x.mul(Activation.sigmoid(x)); }

  /** GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  public static NDArray geluNew(NDArray x) {
    NDArray inner = x.pow(3.0).muli(0.044715).addi(x).muli(SQRT_2_OVER_PI).tanh();
    return x.mul(0.5).muli(inner.addi(1.0));
  }

  /**
   * Additive causal mask [T, past+T] in float32 for T new tokens after {@code past} cached ones: every cached entry is
   * visible; new token t sees new tokens 0..t. Null when T is 1 (nothing to hide).
   */
  public static NDArray causalMask(NDManager m, int past, int t) {
    if (t == 1) return null;
    int len = past + t;
    float[] mask = new float[t * len];
    for (int i = 0; i < t; i++) {
      for (int j = past + i + 1; j < len; j++) mask[i * len + j] = Float.NEGATIVE_INFINITY;
    }
    return m.create(mask, new Shape(t, len));
  }

  /**
   * Attention of q [heads, T, d] over k, v [kvHeads, L, d] (GQA: query head h uses KV head h / (heads/kvHeads)).
   * {@code mask} is [groups·T, L] or null. Scores are q·kᵀ then scaled by d^(−1/2); softmax in float32.
   * Returns [T, heads·d].
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int kvHeads) {
    return attention(q, k, v, mask, kvHeads, null);
  }

  /**
   * As {@link #attention(NDArray, NDArray, NDArray, NDArray, int)}, handing the float32 softmax probabilities
   * [kvHeads, group·T, L] to {@code probsSink} when it is not null (a compression policy's prefill capture).
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int kvHeads, Consumer<NDArray> probsSink) {
    Shape qs = q.getShape();
    long heads = qs.get(0);
    long t = qs.get(1);
    long d = qs.get(2);
    long group = heads / kvHeads;
    NDArray qg = group == 1 ? q : q.reshape(kvHeads, group * t, d);
    NDArray scores = qg.matMul(k.transpose(0, 2, 1)).divi(Math.sqrt(d));
    if (scores.getDataType() != DataType.FLOAT32) scores = scores.toType(DataType.FLOAT32, false);
    if (mask != null) scores = scores.addi(mask);
    NDArray probs = scores.softmax(-1);
    if (probsSink != null) probsSink.accept(probs);
    if (probs.getDataType() != v.getDataType()) probs = probs.toType(v.getDataType(), false);
    NDArray out = probs.matMul(v).reshape(heads, t, d);
    return out.transpose(1, 0, 2).reshape(t, heads * d);
  }
}
