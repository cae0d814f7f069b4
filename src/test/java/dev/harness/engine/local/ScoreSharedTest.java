package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.engine.TokenScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** One context, several continuations on its cached prefix: the same scores as each pair alone. */
class ScoreSharedTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");

  @Test
  void sharedPrefixMatchesScoreOfEachPair() {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA + " is absent");
    String ctx = "Q: What is the smallest country in the world that is at least one square mile in area?\nA:";
    List<String> conts = List.of(" Nauru is the smallest country.", " Vatican City.", "", " Monaco is the smallest.");
    try (LocalEngine e = LocalEngine.open(GQA, LocalOptions.defaults())) {
      List<List<TokenScore>> shared = e.scoreShared(ctx, conts);
      assertEquals(conts.size(), shared.size());
      for (int i = 0; i < conts.size(); i++) {
        List<TokenScore> alone = e.score(ctx, conts.get(i));
        assertEquals(alone.size(), shared.get(i).size(), conts.get(i));
        for (int j = 0; j < alone.size(); j++) {
          assertEquals(alone.get(j).id(), shared.get(i).get(j).id());
          // float32 rounding of a different computation order; this model's logits reach ~19
          assertEquals(alone.get(j).logprob(), shared.get(i).get(j).logprob(), 1e-4);
        }
      }
      // deterministic: the rewound cache gives the same numbers again, in any order
      List<List<TokenScore>> again = e.scoreShared(ctx, List.of(conts.get(3), conts.get(0)));
      assertEquals(shared.get(3), again.get(0));
      assertEquals(shared.get(0), again.get(1));
      // trailing whitespace of the context moves to every continuation, as in score
      List<List<TokenScore>> ws = e.scoreShared("Answer: ", List.of("yes", "no"));
      assertEquals(407, ws.get(0).get(0).id());
      assertEquals(e.score("Answer: ", "no").get(0).id(), ws.get(1).get(0).id());
    }
  }

  @Test
  void aCompressedCacheCannotBeRewound() {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA + " is absent");
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
        dev.harness.engine.local.kv.KvCache c = new dev.harness.engine.local.kv.KvCache(m, 1, 1, 2, ai.djl.ndarray.types.DataType.FLOAT32)) {
      c.layer(0).append(m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 2)), m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 2)), new int[] {0, 1, 2});
      c.advance(3);
      c.rewind(1);
      assertEquals(1, c.layer(0).length());
      assertEquals(1, c.nextPosition());
      c.advance(2); // positions advance without entries: as after compression
      assertThrows(IllegalStateException.class, () -> c.rewind(0));
      assertThrows(IllegalArgumentException.class, () -> c.rewind(9));
    }
  }
}
