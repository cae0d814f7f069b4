package dev.harness.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Picks the examples of a study from binned prompt lengths.
 *
 * <ul>
 *   <li>{@code uniform}: in each bin, the examples sorted by id are shuffled with {@code new Random(mix(seed, bin
 *       index))} and the first {@code nPerBin} kept (all when fewer). The result never depends on the input order, and
 *       a bin's pick does not depend on the other bins.
 *   <li>{@code pinned}: exactly {@code ids}, in the given order; an unknown id, a duplicate, or an id whose length is in
 *       no bin is an error.
 *   <li>{@code focus_transition}: like uniform, but bins in {@code focusBins} get {@code nPerBin × focusFactor}
 *       (defaults: factor 3; the upper half of the bins, index ≥ binCount/2, where long-context failures begin).
 * </ul>
 *
 * Examples whose length falls in no bin (possible with explicit edges) are left out. uniform and focus_transition
 * return entries ordered by bin, then id.
 */
public final class Sampler {
  private Sampler() {}

  public static List<ManifestEntry> sample(List<Example> examples, Map<String, Integer> lengthById, List<Bin> bins,
      SamplingSpec spec) {
    if (bins.isEmpty()) throw new DataException("no bins to sample from");
    Map<String, Example> byId = new LinkedHashMap<>();
    for (Example e : examples) {
      if (byId.put(e.id(), e) != null) throw new DataException("duplicate example id '" + e.id() + "'");
    }
    if (spec.strategy().equals(SamplingSpec.PINNED)) return pinned(byId, lengthById, bins, spec.ids());

    Set<Integer> focus = new HashSet<>();
    if (spec.strategy().equals(SamplingSpec.FOCUS_TRANSITION)) {
      if (spec.focusBins().isEmpty()) {
        for (int i = bins.size() / 2; i < bins.size(); i++) focus.add(i);
      } else {
        for (int i : spec.focusBins()) {
          if (i < 0 || i >= bins.size()) {
            throw new DataException("sampling.focus_bins: bin " + i + " does not exist (bins 0.." + (bins.size() - 1)
                + ")");
          }
          focus.add(i);
        }
      }
    }
    List<List<String>> members = new ArrayList<>();
    for (int i = 0; i < bins.size(); i++) members.add(new ArrayList<>());
    for (String id : byId.keySet()) {
      binOf(id, lengthById, bins).ifPresent(b -> members.get(b.index()).add(id));
    }
    List<ManifestEntry> out = new ArrayList<>();
    for (Bin bin : bins) {
      List<String> ids = members.get(bin.index());
      Collections.sort(ids);
      Collections.shuffle(ids, new Random(mix(spec.seed(), bin.index())));
      int n = focus.contains(bin.index()) ? spec.nPerBin() * spec.focusFactor() : spec.nPerBin();
      List<String> picked = new ArrayList<>(ids.subList(0, Math.min(n, ids.size())));
      Collections.sort(picked);
      for (String id : picked) out.add(new ManifestEntry(id, bin.index(), lengthById.get(id)));
    }
    return out;
  }

  private static List<ManifestEntry> pinned(Map<String, Example> byId, Map<String, Integer> lengthById,
      List<Bin> bins, List<String> ids) {
    List<ManifestEntry> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (!byId.containsKey(id)) throw new DataException("sampling.ids: example id '" + id + "' is not in the dataset");
      if (!seen.add(id)) throw new DataException("sampling.ids: example id '" + id + "' is listed twice");
      Bin bin = binOf(id, lengthById, bins).orElseThrow(() -> new DataException("sampling.ids: example '" + id
          + "' has prompt length " + lengthById.get(id) + ", outside every bin (" + bins.get(0).lo() + ".."
          + bins.get(bins.size() - 1).hi() + ")"));
      out.add(new ManifestEntry(id, bin.index(), lengthById.get(id)));
    }
    return out;
  }

  private static Optional<Bin> binOf(String id, Map<String, Integer> lengthById, List<Bin> bins) {
    Integer len = lengthById.get(id);
    if (len == null) throw new DataException("no prompt length for example id '" + id + "'");
    return LengthBinner.binOf(bins, len);
  }

  /** Seed of one bin's shuffle (SplitMix64 finaliser, so neighbouring seeds and bins give unrelated streams). */
  static long mix(long seed, int binIndex) {
    long z = seed * 0x9E3779B97F4A7C15L + binIndex;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
