package dev.harness.train;

import ai.djl.ndarray.NDArray;

/**
 * KL(target ‖ model) at the last real (non-pad) position over the target tokens: Σ_t t · (log t − log p_t), with
 * log p from a full-vocabulary log-softmax (never log of a softmax) and 0 · log 0 = 0. The loss is the batch mean.
 */
public final class KlLoss implements Objective {
  @Override
  public String name() { return "kl"; }

  @Override
  public long[] rows(TrainBatch batch) { return TargetArrays.lastRealRows(batch); }

  @Override
  public NDArray loss(NDArray logits, TrainBatch batch) {
    TargetArrays t = TargetArrays.of(logits.getManager(), batch);
    int b = t.probsJava().length;
    int k = b == 0 ? 0 : t.probsJava()[0].length;
    float[] tLogT = new float[b * k];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < k; j++) {
        float v = t.probsJava()[i][j];
        tLogT[i * k + j] = v > 0 ? (float) (v * Math.log(v)) : 0f;
      }
    }
    NDArray entropyPart = logits.getManager().create(tLogT, t.ids().getShape());
    NDArray logp = logits.logSoftmax(-1).gather(t.ids(), 1);
    NDArray perExample = entropyPart.sub(t.probs().mul(logp)).mul(t.weight()).sum(new int[] {1});
    return perExample.mean();
  }

  @Override
  public long count(TrainBatch batch) { return batch.size(); }
}
