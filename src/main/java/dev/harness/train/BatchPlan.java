package dev.harness.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which examples each micro-batch holds. Micro-batches form one stream over epochs: epoch e visits the training
 * examples in an order shuffled by (seed, e), cut into batches of {@code batchSize} (the last may be smaller);
 * optimizer step s takes micro-batches s·accum … s·accum + accum − 1 of that stream. Everything is a function of the
 * seed and the step, so a resumed run sees exactly the batches an uninterrupted one would.
 */
public final class BatchPlan {
  private final int n;
  private final int batchSize;
  private final int accum;
  private final long seed;
  private final Map<Integer, int[]> orders = new HashMap<>();

  public BatchPlan(int n, int batchSize, int accum, long seed) {
    this.n = n;
    this.batchSize = batchSize;
    this.accum = accum;
    this.seed = seed;
  }

  public int batchesPerEpoch() { return (n + batchSize - 1) / batchSize; }

  /** Optimizer steps for {@code epochs} full epochs (a step may run on past an epoch's end). */
  public int stepsFor(int epochs) { return (int) Math.ceil((double) epochs * batchesPerEpoch() / accum); }

  /** Example indices of micro-batch {@code micro} (0 ≤ micro < accum) of optimizer step {@code step}. */
  public int[] batch(int step, int micro) {
    long k = (long) step * accum + micro;
    int epoch = (int) (k / batchesPerEpoch());
    int within = (int) (k % batchesPerEpoch());
    int[] order = orders.get(epoch);
    if (order == null) {
      if (orders.size() > 4) orders.clear();
      order = order(epoch);
      orders.put(epoch, order);
    }
    int from = within * batchSize;
    int to = Math.min(n, from + batchSize);
    return java.util.Arrays.copyOfRange(order, from, to);
  }

  /** Fractional epoch reached after optimizer step {@code step} (0-based) completes. */
  public double epochAfter(int step) { return (double) (step + 1) * accum / batchesPerEpoch(); }

  private int[] order(int epoch) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /** Split of {@code n} examples into train and held-out eval indices (a seeded shuffle; eval = the last ⌈split·n⌉). */
  public static List<List<Integer>> split(int n, double evalSplit, long seed) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < n; i++) idx.add(i);
    java.util.Collections.shuffle(idx, new java.util.Random(seed ^ 0x5DEECE66DL));
    int nEval = evalSplit <= 0 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(evalSplit * n)));
    List<Integer> eval = new ArrayList<>(idx.subList(n - nEval, n));
    List<Integer> train = new ArrayList<>(idx.subList(0, n - nEval));
    java.util.Collections.sort(eval);
    java.util.Collections.sort(train);
    return List.of(train, eval);
  }
}
