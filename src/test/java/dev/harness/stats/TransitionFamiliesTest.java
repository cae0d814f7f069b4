package dev.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Holm family of the kv_transition verdicts (issue #13 §1 on issue #17's curves): the headline metric is the
 * confirmatory family, every other metric its own exploratory family; {@code all_metrics} is one family.
 */
class TransitionFamiliesTest {
  static final double[] BUDGETS = {0.5, 0.2, 0.1};
  /**
   * Items answered (of 10 per bin) in the shipped sanity study under streaming_llm (runs/sanity_streaming_v1, F1 = EM,
   * one-word answers), budgets 0.5 / 0.2 / 0.1 × 4 bins; every item is answered at budget 1.0.
   */
  static final int[][] STREAMING_ANSWERED = {{5, 5, 6, 8}, {4, 2, 3, 6}, {1, 2, 2, 5}};

  /** F1, EM (the same 0/1 scores) and a per-token probability that collapses where the answer is lost. */
  static List<TransitionInput> streamingLike() {
    List<BinScores> base01 = new ArrayList<>();
    List<BinScores> baseP = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      Map<String, Double> one = new LinkedHashMap<>();
      Map<String, Double> p = new LinkedHashMap<>();
      for (int i = 0; i < 10; i++) {
        one.put(b + "-" + i, 1.0);
        p.put(b + "-" + i, 0.999);
      }
      base01.add(new BinScores(b, "b" + b, one));
      baseP.add(new BinScores(b, "b" + b, p));
    }
    List<BinSeries> s01 = new ArrayList<>();
    List<BinSeries> sP = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      List<BinScores> b01 = new ArrayList<>();
      List<BinScores> bP = new ArrayList<>();
      for (int b = 0; b < 4; b++) {
        Map<String, Double> one = new LinkedHashMap<>();
        Map<String, Double> p = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
          boolean answered = i < STREAMING_ANSWERED[k][b];
          one.put(b + "-" + i, answered ? 1.0 : 0.0);
          p.put(b + "-" + i, answered ? (i % 2 == 0 ? 0.9995 : 0.9985) : 0.002);
        }
        b01.add(new BinScores(b, "b" + b, one));
        bP.add(new BinScores(b, "b" + b, p));
      }
      s01.add(new BinSeries("" + BUDGETS[k], BUDGETS[k], b01));
      sP.add(new BinSeries("" + BUDGETS[k], BUDGETS[k], bP));
    }
    BinSeries b01 = new BinSeries("1.0", 1.0, base01);
    return List.of(new TransitionInput("f1", "F1", 1, b01, s01), new TransitionInput("em", "EM", 1, b01, s01),
        new TransitionInput("answer_loglik", "p", 1, new BinSeries("1.0", 1.0, baseP), sP));
  }

  @Test
  void theMeasuredStreamingCurveIsDeclaredWithTheHeadlineFamilyButNotInOneFamilyOfEveryMetric() {
    List<List<Transition>> h = TransitionFamilies.detect(streamingLike(), "headline", 0.7, 0.05, 200, 0.95, 1);
    List<Transition> f1 = h.get(0);
    assertNull(f1.get(0).transitionBin(), "budget 0.5: 5, 5, 4, 2 discordant pairs, below the minimum of 6");
    assertEquals(0, f1.get(1).transitionBin(), "budget 0.2: bin 0 (4 of 10 answered)");
    assertEquals(0, f1.get(2).transitionBin(), "budget 0.1: bin 0 (1 of 10 answered)");
    BinComparison b0 = f1.get(2).bins().get(0);
    // 9 discordant pairs all one way: McNemar exact p = 2 * 0.5^9 = 2^-8; six tested bins (0.2: bins 0-2, 0.1: 0-2),
    // so Holm's first step multiplies the smallest p by 6
    assertEquals(9, b0.informative());
    assertEquals(Math.pow(2, -8), b0.p(), 1e-15);
    assertEquals(6 * Math.pow(2, -8), b0.pAdjusted(), 1e-15);
    assertEquals(6, f1.get(2).familySize());
    assertEquals(12, h.get(2).get(2).familySize(), "answer_loglik is its own family of 12 tested bins");

    List<List<Transition>> all = TransitionFamilies.detect(streamingLike(), "all_metrics", 0.7, 0.05, 200, 0.95, 1);
    assertEquals(24, all.get(0).get(2).familySize(), "6 F1 + 6 EM + 12 answer_loglik tests");
    for (List<Transition> metric : all.subList(0, 2)) {
      for (Transition t : metric) {
        assertNull(t.transitionBin(), "one family of 24: 2^-8 = 0.0039 > 0.05 / 24 = 0.0021 at Holm's first step");
      }
    }
    assertTrue(all.get(0).get(2).bins().get(0).pAdjusted() > 0.05);
    // the same raw tests under both families: only the correction differs
    assertEquals(b0.p(), all.get(0).get(2).bins().get(0).p(), 0);
  }

  @Test
  void confirmatoryRolesAndBadFamily() {
    assertTrue(TransitionFamilies.confirmatory("headline", 0));
    assertTrue(!TransitionFamilies.confirmatory("headline", 1));
    assertTrue(TransitionFamilies.confirmatory("all_metrics", 2));
    assertThrows(IllegalArgumentException.class,
        () -> TransitionFamilies.detect(streamingLike(), "per_bin", 0.7, 0.05, 200, 0.95, 1));
  }

  /**
   * Null studies in the sanity layout (3 compressed budgets × 4 bins × 10 items) with three metrics: a continuous score,
   * its 0/1 rounding and a second independent 0/1 score. Under the headline family the headline's declarations stay at
   * most α (and so does each exploratory family on its own).
   */
  @Test
  void nullStudiesInTheSanityLayoutKeepTheHeadlineGuarantee() {
    SplittableRandom rnd = new SplittableRandom(170013L);
    int studies = 2_000;
    int[] any = new int[3];
    for (int s = 0; s < studies; s++) {
      double[][] p = new double[4][10];
      for (double[] row : p) {
        for (int i = 0; i < 10; i++) row[i] = rnd.nextDouble();
      }
      List<List<BinSeries>> m = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int k = 0; k <= 3; k++) {
        double budget = k == 0 ? 1.0 : BUDGETS[k - 1];
        List<List<BinScores>> bins = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int b = 0; b < 4; b++) {
          List<Map<String, Double>> v = List.of(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
          for (int i = 0; i < 10; i++) {
            double c = Math.min(1, Math.max(0, p[b][i] + 0.3 * (rnd.nextDouble() - 0.5) * 3.4));
            v.get(0).put("i" + i, c);
            v.get(1).put("i" + i, c >= 0.5 ? 1.0 : 0.0);
            v.get(2).put("i" + i, rnd.nextDouble() < p[b][i] ? 1.0 : 0.0);
          }
          for (int j = 0; j < 3; j++) bins.get(j).add(new BinScores(b, "b" + b, v.get(j)));
        }
        for (int j = 0; j < 3; j++) m.get(j).add(new BinSeries("" + budget, budget, bins.get(j)));
      }
      List<TransitionInput> in = new ArrayList<>();
      for (int j = 0; j < 3; j++) in.add(new TransitionInput("m" + j, "m" + j, 1, m.get(j).get(0), m.get(j).subList(1, 4)));
      List<List<Transition>> r = TransitionFamilies.detect(in, "headline", 0.7, 0.05, 1, 0.95, s);
      for (int j = 0; j < 3; j++) {
        if (r.get(j).stream().anyMatch(t -> t.transitionBin() != null)) any[j]++;
      }
    }
    System.out.printf("null sanity-layout studies, headline family: headline %d/%d, exploratory %d and %d/%d%n", any[0],
        studies, any[1], any[2], studies);
    for (int j = 0; j < 3; j++) assertTrue(any[j] <= 0.06 * studies, "metric " + j + ": " + any[j] + "/" + studies);
  }
}
