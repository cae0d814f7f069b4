package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Batched counterparts of {@link Ops}: attention over a batch of padded sequences. */
final class BatchOps {
  private BatchOps() {}

  /**
   * Attention of q [B, heads, T, d] over k, v [B, kvHeads, L, d] (GQA: query head h uses KV head h / group) with an
   * additive mask [B, 1, 1, T, L] or null. Same numerics as {@link Ops#attention}: scores q·kᵀ then scaled by
   * d^(−1/2), softmax in float32. Returns [B·T, heads·d].
   */
  static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int kvHeads) {
    Shape qs = q.getShape();
    long b = qs.get(0);
    long heads = qs.get(1);
    long t = qs.get(2);
    long d = qs.get(3);
    long group = heads / kvHeads;
    long len = k.getShape().get(2);
    NDArray qg = group == 1 ? q : q.reshape(b, kvHeads, group * t, d);
    NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).divi(Math.sqrt(d));
    if (scores.getDataType() != DataType.FLOAT32) scores = scores.toType(DataType.FLOAT32, false);
    if (mask != null) scores = scores.reshape(b, kvHeads, group, t, len).addi(mask);
    NDArray probs = scores.softmax(-1).reshape(b, kvHeads, group * t, len);
    if (probs.getDataType() != v.getDataType()) probs = probs.toType(v.getDataType(), false);
    NDArray out = probs.matMul(v).reshape(b, heads, t, d);
    return out.transpose(0, 2, 1, 3).reshape(b * t, heads * d);
  }
}
