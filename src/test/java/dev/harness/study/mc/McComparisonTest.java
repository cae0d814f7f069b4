package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.harness.config.AnalysisConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paired comparisons of per-item values as analyze builds them: McNemar counts and p, paired bootstrap, seeds. */
class McComparisonTest {
  static final AnalysisConfig A = new AnalysisConfig(1000, 0.95, 1L, null);

  static Map<Integer, double[]> items(double[]... perDoc) {
    Map<Integer, double[]> m = new LinkedHashMap<>();
    for (int i = 0; i < perDoc.length; i++) m.put(i, perDoc[i]);
    return m;
  }

  @Test
  void mcnemarTenAgainstTwo() {
    // 10 docs only the variant gets right, 2 only the baseline, 5 both, 3 neither
    int n = 20;
    double[][] v = new double[n][];
    double[][] b = new double[n][];
    for (int i = 0; i < n; i++) {
      boolean vr = i < 10 || (i >= 12 && i < 17);
      boolean br = (i >= 10 && i < 17);
      v[i] = new double[] {vr ? 1 : 0};
      b[i] = new double[] {br ? 1 : 0};
    }
    McTables.ComparisonRow r = McAnalyze.compare("lora", "base", "arc_easy", "acc", items(v), items(b), A);
    assertEquals(10, r.b());
    assertEquals(2, r.c());
    assertEquals(158.0 / 4096, r.exactP(), 1e-12); // 0.0386
    assertEquals(49.0 / 12, r.chi2(), 1e-12);
    assertEquals(15.0 / 20 - 7.0 / 20, r.delta(), 1e-12);
    assertEquals(20, r.n());
  }

  @Test
  void identicalSystemsGiveZeroWithNoDiscordantPairs() {
    Map<Integer, double[]> x = items(new double[] {1, 1}, new double[] {0, 0}, new double[] {1, 1});
    McTables.ComparisonRow r = McAnalyze.compare("a", "b", "truthfulqa_mc1", "acc", x, x, A);
    assertEquals(0, r.b());
    assertEquals(0, r.c());
    assertEquals(1.0, r.exactP(), 0);
    assertEquals(0.0, r.delta(), 0);
    assertEquals(0.0, r.lo(), 0);
    assertEquals(0.0, r.hi(), 0);
    Map<Integer, double[]> m = items(new double[] {0.3}, new double[] {0.9});
    McTables.ComparisonRow c = McAnalyze.compare("a", "b", "truthfulqa_mc2", "acc", m, m, A);
    assertEquals(0.0, c.lo(), 0);
    assertEquals(0.0, c.hi(), 0);
    assertNull(c.b(), "mc2 is continuous: no McNemar");
  }

  @Test
  void seedsAreAveragedPerItemBeforeResampling() {
    // variant: doc0 seeds (1, 0) -> 0.5, doc1 (1, 1) -> 1; baseline all 0: delta = 0.75; not 0/1 -> no McNemar
    Map<Integer, double[]> v = items(new double[] {1, 0}, new double[] {1, 1});
    Map<Integer, double[]> b = items(new double[] {0, 0}, new double[] {0, 0});
    McTables.ComparisonRow r = McAnalyze.compare("a", "b", "arc_easy", "acc", v, b, A);
    assertEquals(0.75, r.delta(), 1e-15);
    assertEquals(2, r.n());
    assertNull(r.b());
    // bootstrap means of {0.5, 1}: only 0.5, 0.75, 1 are possible
    assertEquals(List.of(true, true), List.of(r.lo() >= 0.5, r.hi() <= 1.0));
  }

  @Test
  void onlyDocumentsBothVariantsHaveArePaired() {
    Map<Integer, double[]> v = items(new double[] {1}, new double[] {1}, new double[] {0});
    Map<Integer, double[]> b = new LinkedHashMap<>();
    b.put(0, new double[] {0});
    b.put(2, new double[] {1});
    McTables.ComparisonRow r = McAnalyze.compare("a", "b", "arc_easy", "acc", v, b, A);
    assertEquals(2, r.n());
    assertEquals(1, r.b());
    assertEquals(1, r.c());
  }
}
