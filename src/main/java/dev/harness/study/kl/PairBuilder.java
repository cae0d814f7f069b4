package dev.harness.study.kl;

import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.Position;
import dev.harness.metrics.kl.SamplePair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a prompt's {@link SamplePair}s from its A and B records (each sorted by sample_index; the i-th of A is
 * paired with the i-th of B).
 *
 * <ul>
 *   <li>teacher-forced ({@code cross} present in a dump; mc always, topk_rest when available): the forward direction
 *       runs along A's sample with B's log-probs / top-k from A's {@code cross}; the reverse along B's sample with
 *       B's {@code cross}. A record without cross contributes no direction.
 *   <li>aligned (no cross; topk_rest, topk_lookup): positions of A_i and B_i side by side, see {@link Alignment}.
 *       topk_lookup always uses every position of the sampler's response (the seed's method): positions past the
 *       other response's end have no top-k and are skipped.
 * </ul>
 */
final class PairBuilder {
  private PairBuilder() {}

  /** Result: the pairs, whether a top list held a duplicate text, and the number of unpaired samples. */
  record Built(List<SamplePair> pairs, boolean duplicateText, int unpaired) {}

  static Built build(Estimator est, boolean teacherForced, Alignment alignment, List<DumpRecord> a,
      List<DumpRecord> b) {
    a = a.stream().filter(r -> !r.tokens().isEmpty()).toList();
    b = b.stream().filter(r -> !r.tokens().isEmpty()).toList();
    Dup dup = new Dup();
    dup.byId = idsAgree(a, b);
    List<SamplePair> pairs = new ArrayList<>();
    if (teacherForced) {
      int n = Math.max(a.size(), b.size());
      for (int i = 0; i < n; i++) {
        List<Position> f = i < a.size() ? forced(a.get(i), dup) : null;
        List<Position> r = i < b.size() ? forced(b.get(i), dup) : null;
        if (f != null || r != null) pairs.add(new SamplePair(f, r));
      }
      return new Built(pairs, dup.seen, 0);
    }
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      List<TokenLogprob> ta = a.get(i).tokens(), tb = b.get(i).tokens();
      if (est == Estimator.TOPK_LOOKUP) {
        pairs.add(new SamplePair(lookup(ta, tb, dup), lookup(tb, ta, dup)));
        continue;
      }
      List<Position> f = new ArrayList<>(), r = new ArrayList<>();
      int len = Math.min(ta.size(), tb.size());
      for (int t = 0; t < len; t++) {
        TokenLogprob x = ta.get(t), y = tb.get(t);
        Map<String, Double> topX = top(x, dup), topY = top(y, dup);
        f.add(new Position(key(x, dup), x.logprob(), Double.NaN, topX, topY));
        r.add(new Position(key(y, dup), y.logprob(), Double.NaN, topY, topX));
        if (alignment == Alignment.MATCHED && !key(x, dup).equals(key(y, dup))) break; // t+1 conditions on other prefixes
      }
      pairs.add(new SamplePair(f, r));
    }
    return new Built(pairs, dup.seen, Math.max(a.size(), b.size()) - n);
  }

  /** Along a record's own sample, with the other model's teacher-forced scores; null without cross. */
  private static List<Position> forced(DumpRecord rec, Dup dup) {
    if (rec.cross() == null) return null;
    List<Position> out = new ArrayList<>(rec.tokens().size());
    for (int t = 0; t < rec.tokens().size(); t++) {
      TokenLogprob own = rec.tokens().get(t), other = rec.cross().get(t);
      out.add(new Position(key(own, dup), own.logprob(), other.logprob(), top(own, dup), top(other, dup)));
    }
    return out;
  }

  private static List<Position> lookup(List<TokenLogprob> sampler, List<TokenLogprob> other, Dup dup) {
    List<Position> out = new ArrayList<>(sampler.size());
    for (int t = 0; t < sampler.size(); t++) {
      TokenLogprob x = sampler.get(t);
      Map<String, Double> q = t < other.size() ? top(other.get(t), dup) : Map.of();
      out.add(new Position(key(x, dup), x.logprob(), Double.NaN, Map.of(), q));
    }
    return out;
  }

  /**
   * True when every token and top-k entry of both sides (own and cross scores) carries an id, and no id stands for two
   * different texts among the top-k entries (each decoded on its own) of both sides: then tokens are told apart by id. Otherwise by text, which merges distinct
   * tokens that decode alike (Llama's byte-fallback tokens {@code <0x..>} all decode to U+FFFD on their own: this is
   * why, on the harness's own dumps before they carried ids, DUPLICATE_TOKEN_TEXT was set on every prompt).
   */
  static boolean idsAgree(List<DumpRecord> a, List<DumpRecord> b) {
    Map<Integer, String> text = new HashMap<>();
    for (List<DumpRecord> side : List.of(a, b)) {
      for (DumpRecord r : side) {
        for (List<TokenLogprob> toks : r.cross() == null ? List.of(r.tokens()) : List.of(r.tokens(), r.cross())) {
          for (TokenLogprob t : toks) {
            if (t.id() < 0) return false; // a sampled token's text is decoded in context ('' or U+FFFD mid-character)
            for (TopLogprob e : t.top()) if (!agrees(text, e.id(), e.token())) return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean agrees(Map<Integer, String> text, int id, String token) {
    if (id < 0) return false;
    // a byte-fallback piece decodes to "" or U+FFFD depending on what precedes it: no evidence either way
    if (token.isEmpty() || token.chars().allMatch(ch -> ch == 0xFFFD)) return true;
    String prev = text.putIfAbsent(id, token);
    return prev == null || prev.equals(token);
  }

  /** The key a token is matched by: its id when {@link #idsAgree}, else its text. */
  private static String key(TokenLogprob t, Dup dup) { return dup.byId ? "#" + t.id() : t.token(); }

  /**
   * A top-k list as key (id or text, see {@link #idsAgree}) → log-prob. Two entries with the same key (by text:
   * distinct ids decoding alike) are merged by adding their probabilities, so that both sides' buckets are the same
   * set of tokens; NaN entries are dropped.
   */
  static Map<String, Double> top(TokenLogprob t, Dup dup) {
    Map<String, Double> m = new HashMap<>(t.top().size() * 2);
    for (TopLogprob e : t.top()) {
      if (Double.isNaN(e.logprob())) continue;
      Double prev = m.put(dup.byId ? "#" + e.id() : e.token(), e.logprob());
      if (prev != null) {
        dup.seen = true;
        double hi = Math.max(prev, e.logprob()), lo = Math.min(prev, e.logprob());
        m.put(e.token(), hi + Math.log1p(Math.exp(lo - hi)));
      }
    }
    return m;
  }

  static final class Dup {
    boolean seen;
    boolean byId;
  }
}
