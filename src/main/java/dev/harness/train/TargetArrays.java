package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch's target distributions padded to K (the most targets of any example): ids [B, K] (padding: id 0), probs
 * [B, K] (padding: 0) and a 0/1 weight [B, K] that marks the real entries.
 */
record TargetArrays(NDArray ids, NDArray probs, NDArray weight, float[][] probsJava) {
  static TargetArrays of(NDManager m, TrainBatch batch) {
    int k = 0;
    for (TrainExample e : batch.examples()) {
      if (e.targetIds() == null) throw new IllegalArgumentException("example from line " + e.line() + " has no targets");
      k = Math.max(k, e.targetIds().length);
    }
    int b = batch.size();
    long[] ids = new long[b * k];
    float[] probs = new float[b * k];
    float[] weight = new float[b * k];
    float[][] pj = new float[b][k];
    for (int i = 0; i < b; i++) {
      TrainExample e = batch.examples().get(i);
      for (int j = 0; j < e.targetIds().length; j++) {
        ids[i * k + j] = e.targetIds()[j];
        probs[i * k + j] = e.targetProbs()[j];
        weight[i * k + j] = 1f;
        pj[i][j] = e.targetProbs()[j];
      }
    }
    Shape s = new Shape(b, k);
    return new TargetArrays(m.create(ids, s), m.create(probs, s), m.create(weight, s), pj);
  }

  static long[] lastRealRows(TrainBatch batch) {
    long[] rows = new long[batch.size()];
    for (int b = 0; b < rows.length; b++) rows[b] = batch.lastRealRow(b);
    return rows;
  }
}
