package dev.harness.train;

/**
 * One training example as token ids. SFT: the loss is on {@code ids[responseStart..]} (each predicted from the
 * position before it). tvd / kl: the loss is at the last position of {@code ids}, against {@code targetIds} with
 * {@code targetProbs}. {@code line} is the 1-based JSONL line it came from.
 */
public record TrainExample(int line, int[] ids, int responseStart, int[] targetIds, float[] targetProbs) {
  public static TrainExample sft(int line, int[] ids, int responseStart) {
    return new TrainExample(line, ids, responseStart, null, null);
  }

  public static TrainExample targets(int line, int[] ids, int[] targetIds, float[] targetProbs) {
    return new TrainExample(line, ids, ids.length, targetIds, targetProbs);
  }

  public int length() { return ids.length; }
}
