package dev.harness.train;

import java.util.List;

/**
 * Examples right-padded to one length T with {@code padId}: {@code ids[b]} is example b's tokens then padding,
 * {@code lengths[b]} its real length. Row {@code b·T + i} of the flattened batch is example b's position i.
 */
public record TrainBatch(List<TrainExample> examples, int[][] ids, int[] lengths, int width) {
  public static TrainBatch of(List<TrainExample> examples, int padId) {
    int t = 0;
    for (TrainExample e : examples) t = Math.max(t, e.length());
    int[][] ids = new int[examples.size()][t];
    int[] lengths = new int[examples.size()];
    for (int b = 0; b < ids.length; b++) {
      int[] src = examples.get(b).ids();
      java.util.Arrays.fill(ids[b], padId);
      System.arraycopy(src, 0, ids[b], 0, src.length);
      lengths[b] = src.length;
    }
    return new TrainBatch(List.copyOf(examples), ids, lengths, t);
  }

  public int size() { return ids.length; }

  /** Flattened row of example b's last real position. */
  public long lastRealRow(int b) { return (long) b * width + lengths[b] - 1; }

  /** Real (non-pad) tokens in the batch. */
  public long realTokens() {
    long n = 0;
    for (int l : lengths) n += l;
    return n;
  }
}
