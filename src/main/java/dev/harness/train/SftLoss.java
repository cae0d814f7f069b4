package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Causal-LM cross-entropy on the response tokens: position p (responseStart−1 ≤ p ≤ length−2) predicts token p+1;
 * loss = −mean over the batch's response tokens of log softmax(logits_p)[ids[p+1]].
 */
public final class SftLoss implements Objective {
  @Override
  public String name() { return "sft"; }

  @Override
  public long[] rows(TrainBatch batch) {
    long[] rows = new long[(int) count(batch)];
    int k = 0;
    for (int b = 0; b < batch.size(); b++) {
      TrainExample e = batch.examples().get(b);
      for (int p = e.responseStart() - 1; p <= e.length() - 2; p++) rows[k++] = (long) b * batch.width() + p;
    }
    return rows;
  }

  /** The token each row predicts. */
  static long[] labels(TrainBatch batch) {
    long[] labels = new long[(int) new SftLoss().count(batch)];
    int k = 0;
    for (int b = 0; b < batch.size(); b++) {
      TrainExample e = batch.examples().get(b);
      for (int p = e.responseStart() - 1; p <= e.length() - 2; p++) labels[k++] = e.ids()[p + 1];
    }
    return labels;
  }

  @Override
  public NDArray loss(NDArray logits, TrainBatch batch) {
    long[] labels = labels(batch);
    NDArray idx = logits.getManager().create(labels, new Shape(labels.length, 1));
    return logits.logSoftmax(-1).gather(idx, 1).mean().neg();
  }

  @Override
  public long count(TrainBatch batch) {
    long n = 0;
    for (TrainExample e : batch.examples()) n += e.length() - e.responseStart();
    return n;
  }
}
