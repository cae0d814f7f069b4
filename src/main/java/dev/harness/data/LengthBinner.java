package dev.harness.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Splits prompt lengths into bins. Bins are half-open {@code [lo, hi)} except the last, which is closed
 * {@code [lo, hi]} so that the longest prompt belongs to it.
 */
public final class LengthBinner {
  private LengthBinner() {}

  /**
   * Equal-count bins. With the n lengths sorted ascending, edge 0 is the minimum, edge {@code count} the maximum, and
   * inner edge k (0 &lt; k &lt; count) is the length at sorted index {@code ceil(k·n/count)}, i.e. the first length of
   * the k-th equal-count group. Equal edges are merged, so ties and fewer distinct lengths than bins give fewer bins
   * (never an empty bin). When the maximum equals the last inner edge (many prompts of the maximal length), the last
   * bin is the closed {@code [max, max]}; all lengths equal gives the one bin {@code [v, v]}.
   *
   * <p>Example: lengths 10..100 step 10 (n=10), count 5: edges 10, 30, 50, 70, 90, 100 → bins of 2 each.
   */
  public static List<Bin> quantileBins(int[] lengths, int count) {
    if (lengths == null || lengths.length == 0) throw new DataException("cannot bin an empty set of lengths");
    if (count < 1) throw new DataException("bins.count must be at least 1, got " + count);
    int[] sorted = lengths.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    List<Integer> edges = new ArrayList<>();
    edges.add(sorted[0]);
    for (int k = 1; k < count; k++) {
      int idx = (int) Math.min(n - 1, ceilDiv((long) k * n, count));
      if (sorted[idx] > edges.get(edges.size() - 1)) edges.add(sorted[idx]);
    }
    // the maximum closes the last bin; if it equals the last inner edge, that last bin is [max, max]
    edges.add(sorted[n - 1]);
    return fromEdges(edges);
  }

  /**
   * Bins from explicit boundaries {@code e0 < e1 < ... < em}: {@code [e0,e1), ..., [e(m-1), em]}. Lengths outside
   * {@code [e0, em]} fall in no bin (the sampler leaves them out).
   */
  public static List<Bin> explicitBins(List<Integer> edges) {
    if (edges == null || edges.size() < 2) {
      throw new DataException("bins.edges needs at least 2 boundaries, got " + (edges == null ? 0 : edges.size()));
    }
    for (int i = 0; i < edges.size(); i++) {
      if (edges.get(i) == null || edges.get(i) < 0) {
        throw new DataException("bins.edges[" + i + "] must be a non-negative integer, got " + edges.get(i));
      }
      if (i > 0 && edges.get(i) <= edges.get(i - 1)) {
        throw new DataException("bins.edges must be strictly increasing: edges[" + (i - 1) + "]=" + edges.get(i - 1)
            + " then edges[" + i + "]=" + edges.get(i));
      }
    }
    return fromEdges(edges);
  }

  /** The bin holding {@code len}, if any. */
  public static Optional<Bin> binOf(List<Bin> bins, int len) {
    for (Bin b : bins) if (b.contains(len)) return Optional.of(b);
    return Optional.empty();
  }

  private static List<Bin> fromEdges(List<Integer> edges) {
    List<Bin> bins = new ArrayList<>();
    for (int i = 0; i + 1 < edges.size(); i++) {
      bins.add(new Bin(i, edges.get(i), edges.get(i + 1), i + 2 == edges.size()));
    }
    return List.copyOf(bins);
  }

  private static long ceilDiv(long a, long b) { return (a + b - 1) / b; }
}
