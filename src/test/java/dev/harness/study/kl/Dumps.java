package dev.harness.study.kl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.study.kl.SyntheticDumps.Tok;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test dumps sampled from two known categorical distributions over a..e (position-independent). */
final class Dumps {
  static final String[] V = {"a", "b", "c", "d", "e"};
  static final double[] P = {0.4, 0.3, 0.15, 0.1, 0.05};
  static final double[] Q = {0.25, 0.35, 0.1, 0.2, 0.1};

  private Dumps() {}

  static double[] log(double[] p) {
    double[] l = new double[p.length];
    for (int i = 0; i < p.length; i++) l[i] = Math.log(p[i]);
    return l;
  }

  static double kl(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) s += p[i] * Math.log(p[i] / q[i]);
    return s;
  }

  static double tvd(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) s += 0.5 * Math.abs(p[i] - q[i]);
    return s;
  }

  /** Per prompt and sample, the sampled token lists (shared between formats). */
  static Map<String, List<List<Tok>>> samples(double[] dist, int topK, List<String> prompts, int samples, int t,
      long seed) {
    Random rnd = new Random(seed);
    Map<String, List<List<Tok>>> out = new LinkedHashMap<>();
    for (String p : prompts) {
      List<List<Tok>> s = new ArrayList<>();
      for (int i = 0; i < samples; i++) s.add(SyntheticDumps.sample(log(dist), V, t, topK, rnd));
      out.put(p, s);
    }
    return out;
  }

  static List<ObjectNode> lines(String model, Map<String, List<List<Tok>>> samples, boolean legacy) {
    List<ObjectNode> out = new ArrayList<>();
    samples.forEach((p, list) -> {
      for (int i = 0; i < list.size(); i++) {
        ObjectNode r = legacy ? SyntheticDumps.legacyResponse(model, list.get(i))
            : SyntheticDumps.chatResponse(model, list.get(i));
        out.add(SyntheticDumps.line(p, "Prompt " + p, model, i, r));
      }
    });
    return out;
  }

  static List<ObjectNode> lines(String model, double[] dist, int topK, List<String> prompts, int samples, int t,
      long seed) {
    return lines(model, samples(dist, topK, prompts, samples, t, seed), false);
  }

  /** A token list whose top-k is the given distribution's top-k (as the other model teacher-forced on it). */
  static List<Tok> rescore(List<Tok> toks, double[] other, int topK) {
    List<Tok> ref = SyntheticDumps.sample(log(other), V, 1, topK, new Random(0)); // just for the top-k map
    Map<String, Double> top = ref.get(0).top();
    List<Tok> out = new ArrayList<>();
    for (Tok t : toks) {
      int k = java.util.Arrays.asList(V).indexOf(t.text());
      out.add(new Tok(t.text(), Math.log(other[k]), top));
    }
    return out;
  }
}
