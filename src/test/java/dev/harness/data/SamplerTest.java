package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {
  /** 40 examples e00..e39 with lengths 100..490 (step 10); 4 explicit bins of 10 examples each. */
  static final List<Example> EXAMPLES = new ArrayList<>();
  static final Map<String, Integer> LENGTHS = new HashMap<>();
  static final List<Bin> BINS = LengthBinner.explicitBins(List.of(100, 200, 300, 400, 500));

  static {
    for (int i = 0; i < 40; i++) {
      String id = String.format("e%02d", i);
      EXAMPLES.add(new Example(id, "c", "q", List.of("a"), Map.of()));
      LENGTHS.put(id, 100 + 10 * i);
    }
  }

  static List<String> ids(List<ManifestEntry> entries) {
    return entries.stream().map(ManifestEntry::exampleId).toList();
  }

  @Test
  void uniformIsSeededAndIndependentOfInputOrder() {
    List<ManifestEntry> a = Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.uniform(3, 42));
    List<Example> shuffled = new ArrayList<>(EXAMPLES);
    Collections.shuffle(shuffled, new Random(7));
    List<ManifestEntry> b = Sampler.sample(shuffled, LENGTHS, BINS, SamplingSpec.uniform(3, 42));
    assertEquals(a, b);
    assertEquals(12, a.size());
    for (int bin = 0; bin < 4; bin++) {
      final int k = bin;
      assertEquals(3, a.stream().filter(e -> e.binIndex() == k).count());
    }
    for (ManifestEntry e : a) {
      assertEquals(LENGTHS.get(e.exampleId()), e.promptTokens());
      assertTrue(BINS.get(e.binIndex()).contains(e.promptTokens()));
    }
    assertNotEquals(ids(a), ids(Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.uniform(3, 43))));
  }

  @Test
  void smallBinsGiveAllTheirExamples() {
    List<ManifestEntry> all = Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.uniform(50, 1));
    assertEquals(40, all.size());
    // out-of-range lengths are left out
    Map<String, Integer> lengths = new HashMap<>(LENGTHS);
    lengths.put("e00", 5000);
    assertEquals(39, Sampler.sample(EXAMPLES, lengths, BINS, SamplingSpec.uniform(50, 1)).size());
  }

  @Test
  void pinnedTakesExactlyTheIds() {
    List<ManifestEntry> p = Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.pinned(List.of("e31", "e02")));
    assertEquals(List.of(new ManifestEntry("e31", 3, 410), new ManifestEntry("e02", 0, 120)), p);
    DataException e = assertThrows(DataException.class,
        () -> Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.pinned(List.of("e01", "nope"))));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  @Test
  void focusTransitionMultipliesTheFocusBins() {
    List<ManifestEntry> d = Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.focusTransition(2, 5, List.of(), 0));
    // default: factor 3 on the upper half (bins 2 and 3)
    assertEquals(List.of(2L, 2L, 6L, 6L), counts(d));
    List<ManifestEntry> f = Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.focusTransition(1, 5, List.of(1), 4));
    assertEquals(List.of(1L, 4L, 1L, 1L), counts(f));
    assertThrows(DataException.class,
        () -> Sampler.sample(EXAMPLES, LENGTHS, BINS, SamplingSpec.focusTransition(1, 5, List.of(9), 2)));
  }

  @Test
  void specIsValidated() {
    assertThrows(DataException.class, () -> new SamplingSpec("random", 1, 0, null, null, 0));
    assertThrows(DataException.class, () -> SamplingSpec.uniform(0, 1));
    assertThrows(DataException.class, () -> SamplingSpec.pinned(List.of()));
  }

  static List<Long> counts(List<ManifestEntry> entries) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < BINS.size(); i++) {
      final int k = i;
      out.add(entries.stream().filter(e -> e.binIndex() == k).count());
    }
    return out;
  }
}
