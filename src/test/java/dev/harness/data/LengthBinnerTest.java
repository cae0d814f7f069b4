package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBinnerTest {
  static List<int[]> ranges(List<Bin> bins) {
    return bins.stream().map(b -> new int[] {b.lo(), b.hi()}).toList();
  }

  static String edges(List<Bin> bins) {
    return Arrays.toString(bins.stream().map(b -> b.lo() + "-" + b.hi() + (b.closed() ? "]" : ")")).toArray());
  }

  @Test
  void quantileEdgesOnKnownLengths() {
    int[] lengths = {100, 90, 80, 70, 60, 50, 40, 30, 20, 10};
    // n=10, count=5: inner edges at sorted indexes ceil(k*10/5) = 2, 4, 6, 8 -> 30, 50, 70, 90; ends 10 and 100
    List<Bin> bins = LengthBinner.quantileBins(lengths, 5);
    assertEquals("[10-30), 30-50), 50-70), 70-90), 90-100]]", edges(bins));
    assertEquals("10\u201330", bins.get(0).label());
    for (Bin b : bins) assertEquals(2, Arrays.stream(lengths).filter(b::contains).count(), b.label());

    // n=7, count=3: indexes ceil(7/3)=3, ceil(14/3)=5 over {5,7,9,11,13,15,17} -> 11, 15
    assertEquals("[5-11), 11-15), 15-17]]", edges(LengthBinner.quantileBins(new int[] {17, 5, 9, 7, 13, 11, 15}, 3)));
  }

  @Test
  void tiesGiveFewerBins() {
    // sorted 1 1 1 1 5 5 5 5: inner edges at indexes 2, 4, 6 -> 1 (merged), 5, 5 (merged); max 5 -> [1,5), [5,5]
    List<Bin> bins = LengthBinner.quantileBins(new int[] {5, 1, 5, 1, 5, 1, 5, 1}, 4);
    assertEquals("[1-5), 5-5]]", edges(bins));
    assertTrue(bins.get(1).contains(5));
    assertEquals("[7-7]]", edges(LengthBinner.quantileBins(new int[] {7, 7, 7}, 5)));
    assertEquals("[3-9]]", edges(LengthBinner.quantileBins(new int[] {3, 9, 4}, 1)));
    assertThrows(DataException.class, () -> LengthBinner.quantileBins(new int[0], 3));
    assertThrows(DataException.class, () -> LengthBinner.quantileBins(new int[] {1}, 0));
  }

  @Test
  void explicitBinsAreHalfOpenExceptTheLast() {
    List<Bin> bins = LengthBinner.explicitBins(List.of(0, 1024, 2048));
    assertEquals("1024\u20132048", bins.get(1).label());
    assertTrue(bins.get(0).contains(0) && bins.get(0).contains(1023));
    assertFalse(bins.get(0).contains(1024));
    assertTrue(bins.get(1).contains(1024) && bins.get(1).contains(2048));
    assertFalse(bins.get(1).contains(2049));
    assertEquals(1, LengthBinner.binOf(bins, 2048).orElseThrow().index());
    assertTrue(LengthBinner.binOf(bins, 5000).isEmpty());
  }

  @Test
  void explicitEdgesMustIncreaseStrictly() {
    DataException e = assertThrows(DataException.class, () -> LengthBinner.explicitBins(List.of(0, 512, 512)));
    assertTrue(e.getMessage().contains("strictly increasing: edges[1]=512 then edges[2]=512"), e.getMessage());
    assertThrows(DataException.class, () -> LengthBinner.explicitBins(List.of(10, 5)));
    assertThrows(DataException.class, () -> LengthBinner.explicitBins(List.of(10)));
  }
}
