package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
    NDArray sq = x32.square();
    NDArray mean = sq.mean(new int[] {-1}, true);
    sq.close();
    NDArray inv = mean.addi(eps).pow(-0.5);
    mean.close();
    NDArray y = x32.mul(inv);
    inv.close();
    if (in != DataType.FLOAT32) {
      NDArray narrow = y.toType(in, false);
      y.close();
      x32.close();
      y = narrow;
    }
    return y.muli(weight);
  }

  /** torch layer_norm over the last axis. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
    NDList out = LayerNorm.layerNorm(x, new Shape(x.getShape().getLastDimension()), gamma, beta, (float) eps);
    return out.singletonOrThrow();
  }

  /** SiLU: x·sigmoid(x). */
  public static NDArray silu(NDArray x) { return Activation.sigmoid(x).muli(x); }

  /**
   * SwiGLU's silu(gate)·up as one new array (the size of gate), with no other temporary: sigmoid(gate), then multiplied
   * in place by gate and by up. Neither input is modified (they may be views of one fused projection).
   */
  public static NDArray siluGlu(NDArray gate, NDArray up) { return Activation.sigmoid(gate).muli(gate).muli(up); }

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
    long len = k.getShape().get(1);
    NDArray qg = group == 1 ? q : q.reshape(kvHeads, group * t, d);
    NDArray pv;
    if (probsSink == null && kvHeads > 1 && 4L * heads * t * len > SPLIT_SCORES_BYTES) {
      // A long prefill chunk: one KV head at a time, so only one head's scores and probabilities exist at once.
      NDList perHead = new NDList(kvHeads);
      for (long h = 0; h < kvHeads; h++) {
        NDIndex at = new NDIndex("{}:{}", h, h + 1);
        try (NDArray qh = qg.get(at); NDArray kh = k.get(at); NDArray vh = v.get(at)) {
          perHead.add(weighted(qh, kh, vh, mask, d, null));
        }
      }
      pv = NDArrays.concat(perHead, 0);
      perHead.close();
    } else {
      pv = weighted(qg, k, v, mask, d, probsSink);
    }
    if (qg != q) qg.close();
    NDArray out = pv.reshape(heads, t, d).transpose(1, 0, 2).reshape(t, heads * d);
    pv.close();
    return out;
  }

  /** Scores above this many float32 bytes are computed one KV head at a time. */
  static final long SPLIT_SCORES_BYTES = 4L << 20;

  /**
   * softmax(qg·kᵀ/√d + mask)·v for qg [kvHeads, group·T, d], k, v [kvHeads, L, d]. Temporaries are closed as soon as
   * they are used: scores and probabilities are the largest arrays of a prefill chunk and must not wait for the
   * caller's scope to end.
   */
  private static NDArray weighted(NDArray qg, NDArray k, NDArray v, NDArray mask, long d, Consumer<NDArray> probsSink) {
    NDArray kt = k.transpose(0, 2, 1);
    NDArray scores = qg.matMul(kt).divi(Math.sqrt(d));
    kt.close();
    if (scores.getDataType() != DataType.FLOAT32) {
      NDArray wide = scores.toType(DataType.FLOAT32, false);
      scores.close();
      scores = wide;
    }
    if (mask != null) scores.addi(mask);
    NDArray probs = scores.softmax(-1);
    scores.close();
    if (probsSink != null) probsSink.accept(probs);
    if (probs.getDataType() != v.getDataType()) {
      NDArray narrow = probs.toType(v.getDataType(), false);
      probs.close();
      probs = narrow;
    }
    NDArray pv = probs.matMul(v);
    probs.close();
    return pv;
  }
}
