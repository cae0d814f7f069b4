package dev.harness.train;

import ai.djl.ndarray.NDArray;

/**
 * A training loss over a batch: which flattened positions it reads ({@link #rows}) and the scalar loss of their logits
 * (float32 [rows.length, vocab], full-vocabulary softmax). Implementations: {@link SftLoss}, {@link TvdLoss},
 * {@link KlLoss}.
 */
public interface Objective {
  String name();

  long[] rows(TrainBatch batch);

  NDArray loss(NDArray logits, TrainBatch batch);

  /** How many loss terms the batch contributes (response tokens for SFT, examples for tvd / kl). */
  long count(TrainBatch batch);

  static Objective named(String name) {
    return switch (name) {
      case "sft" -> new SftLoss();
      case "tvd" -> new TvdLoss();
      case "kl" -> new KlLoss();
      default -> throw new IllegalArgumentException("unknown objective " + name);
    };
  }
}
