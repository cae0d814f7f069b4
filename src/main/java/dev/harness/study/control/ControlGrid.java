package dev.harness.study.control;

import dev.harness.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The item grid from the config and the word list. Word pairs: the words are shuffled with {@code words.seed}; the
 * first {@code n_pairs} pairs of consecutive words are the evaluation pairs, the next {@code train_pairs} the training
 * pairs (no word shared). When the list is too short for that, pairs are drawn from all distinct unordered pairs of
 * the shuffled words instead (pairs still distinct and the two splits disjoint as pairs, but words may repeat).
 * Random-word seeds: {@code n_seeds} distinct 9-digit integers from {@code grid.seed}.
 *
 * <p>Items per prompt variant: given_words n_pairs × |ps| × |rs|; random_words and icl_random_words n_seeds × |ps| ×
 * |rs| each. Training items: given words only, train_pairs × |ps| × |rs| per prompt variant.
 */
final class ControlGrid {
  record Pair(String w1, String w2) {}

  record Pairs(List<Pair> eval, List<Pair> train, boolean disjointWords) {}

  private ControlGrid() {}

  static List<String> shuffled(List<String> words, long seed, Integer maxCount) {
    List<String> w = new ArrayList<>(words);
    java.util.Collections.shuffle(w, new Random(seed));
    return maxCount == null || w.size() <= maxCount ? w : new ArrayList<>(w.subList(0, maxCount));
  }

  static Pairs pairs(List<String> shuffled, int nPairs, int trainPairs, String configPath) {
    int need = nPairs + trainPairs;
    List<Pair> all = new ArrayList<>();
    boolean disjoint = shuffled.size() >= 2 * need;
    if (disjoint) {
      for (int i = 0; i < need; i++) all.add(new Pair(shuffled.get(2 * i), shuffled.get(2 * i + 1)));
    } else {
      List<Pair> combos = new ArrayList<>();
      for (int i = 0; i < shuffled.size(); i++) {
        for (int j = i + 1; j < shuffled.size(); j++) combos.add(new Pair(shuffled.get(i), shuffled.get(j)));
      }
      if (combos.size() < need) {
        throw new ConfigException(configPath, "grid.n_pairs", "the word list has " + shuffled.size() + " usable words, "
            + "which make only " + combos.size() + " distinct pairs; n_pairs + train_pairs = " + need);
      }
      java.util.Collections.shuffle(combos, new Random(shuffled.size()));
      all.addAll(combos.subList(0, need));
    }
    return new Pairs(List.copyOf(all.subList(0, nPairs)), List.copyOf(all.subList(nPairs, need)), disjoint);
  }

  static List<Long> seeds(long seed, int n) {
    Random rng = new Random(seed);
    Set<Long> out = new LinkedHashSet<>();
    while (out.size() < n) out.add(100_000_000L + (long) rng.nextInt(900_000_000));
    return List.copyOf(out);
  }

  static List<ControlItem> items(GridConfig g, Pairs pairs, List<Long> seeds) {
    List<ControlItem> out = new ArrayList<>();
    for (String cs : g.cases()) {
      for (String v : g.variants()) {
        int n = ControlItem.GIVEN.equals(cs) ? pairs.eval().size() : seeds.size();
        for (int k = 0; k < n; k++) {
          for (int p : g.ps()) {
            for (int r : g.rs()) {
              if (ControlItem.GIVEN.equals(cs)) {
                Pair pr = pairs.eval().get(k);
                out.add(new ControlItem(ControlItem.id(cs, v, "eval", k, p, r), cs, v, k, pr.w1(), pr.w2(), null, p, r, "eval"));
              } else {
                out.add(new ControlItem(ControlItem.id(cs, v, "eval", k, p, r), cs, v, k, null, null, seeds.get(k), p, r, "eval"));
              }
            }
          }
        }
      }
    }
    for (String v : g.variants()) {
      for (int k = 0; k < pairs.train().size(); k++) {
        Pair pr = pairs.train().get(k);
        for (int p : g.ps()) {
          for (int r : g.rs()) {
            out.add(new ControlItem(ControlItem.id(ControlItem.GIVEN, v, "train", k, p, r), ControlItem.GIVEN, v, k,
                pr.w1(), pr.w2(), null, p, r, "train"));
          }
        }
      }
    }
    return out;
  }
}
