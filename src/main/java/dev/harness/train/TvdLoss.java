package dev.harness.train;

import ai.djl.ndarray.NDArray;

/**
 * Total variation distance to a target distribution at the last real (non-pad) position, full-vocabulary softmax:
 * TVD = ½ Σ_targets |p_v − t_v| + ½ · (1 − Σ_targets p_v) — the mass outside the targets counts against the model.
 * The loss is the batch mean.
 */
public final class TvdLoss implements Objective {
  @Override
  public String name() { return "tvd"; }

  @Override
  public long[] rows(TrainBatch batch) { return TargetArrays.lastRealRows(batch); }

  @Override
  public NDArray loss(NDArray logits, TrainBatch batch) { return perExample(logits, batch).mean(); }

  /** TVD of each example [B]. */
  public NDArray perExample(NDArray logits, TrainBatch batch) {
    TargetArrays t = TargetArrays.of(logits.getManager(), batch);
    NDArray p = logits.softmax(-1).gather(t.ids(), 1).mul(t.weight());
    NDArray onTargets = p.sub(t.probs()).abs().mul(t.weight()).sum(new int[] {1});
    NDArray outside = Scalars.of(logits.getManager(), 1).sub(p.sum(new int[] {1}));
    return onTargets.add(outside).mul(Scalars.of(logits.getManager(), 0.5));
  }

  @Override
  public long count(TrainBatch batch) { return batch.size(); }
}
