package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.Position;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DUPLICATE_TOKEN_TEXT was set on every prompt of the harness's own dumps: Llama byte-fallback tokens (ids 3..258,
 * {@code <0x00>}..{@code <0xFF>}) each decode to U+FFFD, so a top-k list held "�" several times and the texts were
 * merged. With ids in the dumps they are told apart.
 */
class PairBuilderIdTest {
  static final String R = "\uFFFD";

  static DumpRecord rec(String model, boolean ids, String otherText, double... p) {
    List<TopLogprob> top = List.of(new TopLogprob(R, ids ? 13 : -1, Math.log(p[0])), new TopLogprob(R, ids ? 230 : -1, Math.log(p[1])),
        new TopLogprob(otherText, ids ? 5 : -1, Math.log(p[2])));
    TokenLogprob t = new TokenLogprob("", ids ? 13 : -1, Math.log(p[0]), null, top); // sampled: a partial character
    return new DumpRecord("p", "x", model, 0, "", List.of(t), null, null, model + ":1");
  }

  static Position first(PairBuilder.Built b) { return b.pairs().get(0).forward().get(0); }

  @Test
  void byteFallbackTokensWithIdsAreNotMerged() {
    PairBuilder.Built b = PairBuilder.build(Estimator.TOPK_REST, false, Alignment.MATCHED,
        List.of(rec("a", true, "x", 0.5, 0.3, 0.2)), List.of(rec("b", true, "x", 0.2, 0.6, 0.2)));
    assertFalse(b.duplicateText());
    Position pos = first(b);
    assertEquals(3, pos.topP().size());
    assertEquals(Math.log(0.5), pos.topP().get("#13"), 1e-12);
    assertEquals(Math.log(0.6), pos.topQ().get("#230"), 1e-12);
    assertEquals("#13", pos.token());
  }

  @Test
  void withoutIdsOrWithConflictingTextsTheyAreMergedByTextAndFlagged() {
    PairBuilder.Built noIds = PairBuilder.build(Estimator.TOPK_REST, false, Alignment.MATCHED,
        List.of(rec("a", false, "x", 0.5, 0.3, 0.2)), List.of(rec("b", false, "x", 0.2, 0.6, 0.2)));
    assertTrue(noIds.duplicateText());
    assertEquals(2, first(noIds).topP().size());
    assertEquals(Math.log(0.8), first(noIds).topP().get(R), 1e-12); // 0.5 + 0.3
    // id 5 is "x" on one side and "y" on the other: not one tokenizer's ids, so texts decide
    PairBuilder.Built conflict = PairBuilder.build(Estimator.TOPK_REST, false, Alignment.MATCHED,
        List.of(rec("a", true, "x", 0.5, 0.3, 0.2)), List.of(rec("b", true, "y", 0.2, 0.6, 0.2)));
    assertTrue(conflict.duplicateText());
  }
}
