package dev.harness.metrics.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.metrics.kl.TextMonteCarlo.TextSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** text_mc arithmetic on hand-built sequence log-probs. */
class TextMonteCarloTest {
  static final KlOptions OPT = new KlOptions(0.5, 2000, 0.95, 7L);

  @Test
  void handComputedForwardReverseSymmetricAndPerChar() {
    // A's samples: log pA − log pB = (-3) − (-5) = 2 over 4 chars; (-2) − (-2.5) = 0.5 over 10 chars
    List<TextSample> a = List.of(new TextSample(-3, -5, 4), new TextSample(-2, -2.5, 10));
    // B's samples: log pB − log pA = (-1) − (-4) = 3 over 6 chars; (-6) − (-5) = -1 over 2 chars
    List<TextSample> b = List.of(new TextSample(-1, -4, 6), new TextSample(-6, -5, 2));
    PromptDivergence d = TextMonteCarlo.estimate("p", a, b, OPT);
    assertEquals(Estimator.TEXT_MC, d.estimator());
    assertEquals((2 + 0.5) / 2, d.forward(), 1e-12);
    assertEquals((3 - 1) / 2.0, d.reverse(), 1e-12);
    // units: (2 + 3) / 2 = 2.5 and (0.5 − 1) / 2 = −0.25; value = 1.125 = (forward + reverse) / 2
    assertEquals(1.125, d.value(), 1e-12);
    assertEquals(2, d.nSamples());
    assertEquals(4 + 10 + 6 + 2, d.nTokens(), "characters of all four texts");
    assertEquals((2 / 4.0 + 0.5 / 10) / 2, d.extra().get("forward_per_char"), 1e-12);
    assertEquals((3 / 6.0 - 1 / 2.0) / 2, d.extra().get("reverse_per_char"), 1e-12);
    // per-char units: (0.5 + 0.5) / 2 = 0.5 and (0.05 − 0.5) / 2 = −0.225; mean 0.1375
    assertEquals(0.1375, d.extra().get("per_char"), 1e-12);
    // a bootstrap of two unit values stays within [min, max] of them and brackets the mean
    assertTrue(d.ciLow() >= -0.25 && d.ciHigh() <= 2.5 && d.ciLow() <= 1.125 && d.ciHigh() >= 1.125,
        d.ciLow() + " " + d.ciHigh());
    assertTrue(d.flags().isEmpty(), d.flags().toString());
  }

  @Test
  void identicalScoresGiveExactlyZero() {
    List<TextSample> a = List.of(new TextSample(-7.25, -7.25, 5), new TextSample(-1.5, -1.5, 3));
    PromptDivergence d = TextMonteCarlo.estimate("p", a, a, OPT);
    assertEquals(0.0, d.value());
    assertEquals(0.0, d.ciLow());
    assertEquals(0.0, d.ciHigh());
    assertEquals(0.0, d.extra().get("per_char"));
  }

  @Test
  void unequalCountsFlagOneDirectionAndEmptyTextHasNoPerChar() {
    List<TextSample> a = List.of(new TextSample(-1, -2, 0), new TextSample(-1, -3, 2));
    List<TextSample> b = List.of(new TextSample(-2, -2, 1));
    PromptDivergence d = TextMonteCarlo.estimate("p", a, b, OPT);
    // units: (1 + 0) / 2 = 0.5 and 2 (A only); value 1.25
    assertEquals(1.25, d.value(), 1e-12);
    assertTrue(d.flags().contains(KlFlag.ONE_DIRECTION));
    assertEquals(1.0, d.extra().get("forward_per_char"), 1e-12, "the empty text has no per-char value");
    PromptDivergence none = TextMonteCarlo.estimate("q", List.of(), List.of(), OPT);
    assertTrue(Double.isNaN(none.value()) && none.flags().contains(KlFlag.NO_TOKENS));
  }
}
