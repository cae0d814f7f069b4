package dev.harness.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop: for each optimizer step, {@code grad_accum} micro-batches (forward, loss / accum, backward into
 * the step's LoRA leaves), then the gradients are copied out, clipped by global norm, and AdamW updates the master
 * LoRA arrays at the schedule's rate. Evaluation (no dropout, no gradient) every {@code eval_every} steps and at the
 * end; a checkpoint every {@code save_every} steps and at the end. Steps are reported to {@code sink} as they finish.
 */
public final class Trainer {
  /** Receives each finished step and each checkpoint. */
  public interface Sink {
    void step(StepRecord r);
  }

  private final TrainableLlama model;
  private final Objective objective;
  private final TrainSettings t;
  private final List<TrainExample> train;
  private final List<TrainExample> eval;
  private final int padId;
  private final NDManager root;
  private final BatchPlan plan;
  private final int totalSteps;
  private final LrSchedule schedule;
  private final AdamW adam;
  private final OptimizerState opt;
  private Runnable beforeBackward = () -> {};
  private EvalResult finalEval;

  public Trainer(TrainableLlama model, Objective objective, TrainSettings t, List<TrainExample> train,
      List<TrainExample> eval, int padId, NDManager root) {
    this.model = model;
    this.objective = objective;
    this.t = t;
    this.train = train;
    this.eval = eval;
    this.padId = padId;
    this.root = root;
    this.plan = new BatchPlan(train.size(), t.batchSize(), t.gradAccum(), t.seed());
    this.totalSteps = t.maxSteps() != null ? t.maxSteps() : plan.stepsFor(t.epochs());
    this.schedule = LrSchedule.of(t, totalSteps);
    this.adam = new AdamW(t.adamBeta1(), t.adamBeta2(), t.adamEps(), t.weightDecay());
    this.opt = OptimizerState.zeros(model.lora());
  }

  public int totalSteps() { return totalSteps; }

  /** The held-out evaluation {@link #run} made at the last step, if this trainer ran it (no need to evaluate again). */
  public java.util.Optional<EvalResult> finalEval() { return java.util.Optional.ofNullable(finalEval); }

  /** Test hook: runs between each micro-batch's forward pass and its backward pass (e.g. a forced GC). */
  void beforeBackward(Runnable r) { this.beforeBackward = r; }

  OptimizerState optimizerState() { return opt; }

  /**
   * Runs steps {@code from}+1 … {@code until} (1-based, inclusive); {@code saver} is called with the completed step
   * count at each checkpoint. Returns the last step done.
   */
  public int run(int from, int until, Sink sink, java.util.function.IntConsumer saver) {
    int last = from;
    for (int s = from; s < until; s++) {
      long t0 = System.nanoTime();
      double lr = schedule.at(s);
      StepOutcome o = step(s);
      if (!Double.isFinite(o.loss())) {
        throw new dev.harness.HarnessException("step " + (s + 1) + ": the loss is not finite (" + o.loss() + "); lower train.lr or check the data", 1);
      }
      double norm = GradClip.clip(o.grads(), t.maxGradNorm());
      if (!Double.isFinite(norm)) {
        throw new dev.harness.HarnessException("step " + (s + 1) + ": the gradient norm is not finite; lower train.lr or set train.max_grad_norm", 1);
      }
      applyUpdate(o.byModule(), s + 1, lr);
      int done = s + 1;
      boolean evalNow = !eval.isEmpty() && ((t.evalEvery() > 0 && done % t.evalEvery() == 0) || done == totalSteps);
      EvalResult evaluated = evalNow ? evaluate() : null;
      if (done == totalSteps) finalEval = evaluated;
      double evalLoss = evaluated == null ? Double.NaN : evaluated.mean();
      double secs = (System.nanoTime() - t0) / 1e9;
      sink.step(new StepRecord(done, plan.epochAfter(s), lr, o.loss(), evalLoss, norm, o.tokens(), secs));
      if ((t.saveEvery() > 0 && done % t.saveEvery() == 0) || done == totalSteps) saver.accept(done);
      last = done;
    }
    return last;
  }

  /** Restores a checkpoint's LoRA and optimizer state. */
  void restore(TrainCheckpoint c) { c.restore(model, opt); }

  private record StepOutcome(double loss, long tokens, Map<String, float[][]> byModule) {
    List<float[]> grads() {
      List<float[]> out = new ArrayList<>();
      for (float[][] g : byModule.values()) {
        out.add(g[0]);
        out.add(g[1]);
      }
      return out;
    }

  }

  private StepOutcome step(int s) {
    double lossSum = 0;
    long tokens = 0;
    try (NDManager stepMgr = root.newSubManager()) {
      LoraLeaves leaves = model.leaves(stepMgr, true);
      for (int micro = 0; micro < t.gradAccum(); micro++) {
        TrainBatch batch = batch(plan.batch(s, micro), train);
        tokens += batch.realTokens();
        Engine.getInstance().setRandomSeed(dropoutSeed(t.seed(), s, micro));
        try (NDManager mm = stepMgr.newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss = loss(mm, batch, leaves, true);
          lossSum += loss.getFloat();
          beforeBackward.run();
          gc.backward(loss.div(Scalars.of(mm, t.gradAccum())));
        }
      }
      return new StepOutcome(lossSum / t.gradAccum(), tokens, leaves.gradients(model.lora()));
    }
  }

  private void applyUpdate(Map<String, float[][]> grads, long step, double lr) {
    for (LoraModule m : model.lora()) {
      float[][] g = grads.get(m.path());
      adam.update(m.a, g[0], opt.m.get(m.key('A')), opt.v.get(m.key('A')), step, lr);
      adam.update(m.b, g[1], opt.m.get(m.key('B')), opt.v.get(m.key('B')), step, lr);
    }
  }

  /** The objective's scalar loss for one batch (mean over its loss terms). */
  NDArray loss(NDManager m, TrainBatch batch, LoraLeaves leaves, boolean trainMode) {
    NDArray h = model.hidden(m, batch.ids(), leaves, trainMode);
    NDArray rows = h.get(m, new NDIndex("{}", m.create(objective.rows(batch))));
    return objective.loss(model.logits(rows), batch);
  }

  /** Held-out loss: per-batch means weighted by their loss terms, with the per-example values for an interval. */
  public EvalResult evaluate() {
    List<Double> perExample = new ArrayList<>();
    double sum = 0;
    long count = 0;
    try (NDManager m = root.newSubManager()) {
      LoraLeaves leaves = model.leaves(m, false);
      for (TrainExample e : eval) {
        try (NDManager mm = m.newSubManager()) {
          TrainBatch b = TrainBatch.of(List.of(e), padId);
          double l = loss(mm, b, leaves, false).getFloat();
          long c = objective.count(b);
          perExample.add(l);
          sum += l * c;
          count += c;
        }
      }
    }
    return new EvalResult(count == 0 ? Double.NaN : sum / count, perExample);
  }

  /** Held-out (or any) loss: the term-weighted mean and each example's own loss. */
  public record EvalResult(double mean, List<Double> perExample) {}

  private TrainBatch batch(int[] idx, List<TrainExample> pool) {
    List<TrainExample> ex = new ArrayList<>(idx.length);
    for (int i : idx) ex.add(pool.get(i));
    return TrainBatch.of(ex, padId);
  }

  static int dropoutSeed(long seed, int step, int micro) {
    long h = seed * 0x9E3779B97F4A7C15L + step * 1_000_003L + micro;
    h ^= h >>> 31;
    return (int) (h & 0x7fffffff);
  }

}
