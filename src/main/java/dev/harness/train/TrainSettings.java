package dev.harness.train;

/**
 * Optimisation settings. One of {@code epochs} / {@code max_steps} bounds the run ({@code max_steps} wins when both are
 * set); one of {@code warmup_ratio} / {@code warmup_steps} sets the warm-up. A step is {@code grad_accum} micro-batches
 * of {@code batch_size} examples. {@code eval_split} is the held-out fraction (0 = none); {@code eval_every} and
 * {@code save_every} count optimizer steps (0 = only at the end). {@code resume}: continue from the last checkpoint in
 * the output directory when there is one. {@code max_length} truncates long examples (tokens).
 */
public record TrainSettings(
    String objective,
    Double lr,
    Double weightDecay,
    String schedule,
    Double warmupRatio,
    Integer warmupSteps,
    Integer epochs,
    Integer maxSteps,
    Integer batchSize,
    Integer gradAccum,
    Double maxGradNorm,
    Long seed,
    Double evalSplit,
    Integer evalEvery,
    Integer saveEvery,
    Boolean resume,
    Integer maxLength,
    Double adamBeta1,
    Double adamBeta2,
    Double adamEps) {

  public TrainSettings {
    objective = objective == null ? "sft" : objective;
    lr = lr == null ? 2e-4 : lr;
    weightDecay = weightDecay == null ? 0.0 : weightDecay;
    schedule = schedule == null ? "linear" : schedule;
    batchSize = batchSize == null ? 1 : batchSize;
    gradAccum = gradAccum == null ? 1 : gradAccum;
    maxGradNorm = maxGradNorm == null ? 1.0 : maxGradNorm;
    seed = seed == null ? 42L : seed;
    evalSplit = evalSplit == null ? 0.0 : evalSplit;
    evalEvery = evalEvery == null ? 0 : evalEvery;
    saveEvery = saveEvery == null ? 0 : saveEvery;
    resume = resume != null && resume;
    maxLength = maxLength == null ? 1024 : maxLength;
    adamBeta1 = adamBeta1 == null ? 0.9 : adamBeta1;
    adamBeta2 = adamBeta2 == null ? 0.999 : adamBeta2;
    adamEps = adamEps == null ? 1e-8 : adamEps;
  }

  /** A copy with another {@code resume} (the checkpoint fingerprint ignores it). */
  public TrainSettings withResume(boolean r) {
    return new TrainSettings(objective, lr, weightDecay, schedule, warmupRatio, warmupSteps, epochs, maxSteps, batchSize,
        gradAccum, maxGradNorm, seed, evalSplit, evalEvery, saveEvery, r, maxLength, adamBeta1, adamBeta2, adamEps);
  }

  public static TrainSettings defaults() {
    return new TrainSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null);
  }
}
