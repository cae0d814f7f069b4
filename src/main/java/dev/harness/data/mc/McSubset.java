package dev.harness.data.mc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which documents a run evaluates: {@code first} takes the first N (lm-eval's {@code --limit}); {@code random} a
 * seeded uniform sample of N (partial Fisher–Yates over indices, SplittableRandom(seed)), returned in file order.
 */
public final class McSubset {
  private McSubset() {}

  public static List<McDoc> select(List<McDoc> docs, Integer limit, String mode, long seed) {
    if (limit == null || limit >= docs.size()) return docs;
    if ("first".equals(mode)) return docs.subList(0, limit);
    if (!"random".equals(mode)) throw new IllegalArgumentException("subset must be first or random, got " + mode);
    int n = docs.size();
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < limit; i++) {
      int j = i + rng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] chosen = java.util.Arrays.copyOf(idx, limit);
    java.util.Arrays.sort(chosen);
    List<McDoc> out = new ArrayList<>(limit);
    for (int i : chosen) out.add(docs.get(i));
    return out;
  }
}
