package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.engine.TokenScore;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * lm-eval's continuation split with the real (GPT-2 BPE, 1000-token) tokenizer of ../shared/models/tiny-llama-gqa, on
 * cases where tokenizing context and continuation together differs from tokenizing them apart. Ids were read from
 * the tokenizer once and are fixed here.
 */
class McContinuationSplitTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");

  @Test
  void jointTokenizationDecidesTheContinuationTokens() {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA + " is absent");
    try (HfTokenizer tok = HfTokenizer.open(GQA)) {
      // "Hel" = [40, 248], "lo" = [76, 79], but "Hello" = [40, 416, 79]: apart would be [40, 248 | 76, 79];
      // lm-eval takes the joint tokens beyond the context's count: [79]
      assertArrayEquals(new int[] {40, 248}, tok.encodeIds("Hel", false));
      assertArrayEquals(new int[] {76, 79}, tok.encodeIds("lo", false));
      assertArrayEquals(new int[] {40, 416, 79}, tok.encodeIds("Hello", false));
      ContinuationSplit s = ContinuationSplit.of(tok, "Hel", "lo", false, 0);
      assertArrayEquals(new int[] {40, 248}, s.context());
      assertArrayEquals(new int[] {79}, s.continuation());

      // trailing whitespace of the context moves to the continuation: "Answer: " + "yes" is scored as
      // "Answer:" + " yes" -> continuation [407, 216] (" yes"), not [89, 216] ("yes") after a lone space token 159
      assertArrayEquals(new int[] {33, 78, 83, 87, 199, 26, 159}, tok.encodeIds("Answer: ", false));
      assertArrayEquals(new int[] {89, 216}, tok.encodeIds("yes", false));
      ContinuationSplit w = ContinuationSplit.of(tok, "Answer: ", "yes", false, 0);
      assertArrayEquals(new int[] {33, 78, 83, 87, 199, 26}, w.context());
      assertArrayEquals(new int[] {407, 216}, w.continuation());

      // the mc_eval case: "...\nAnswer:" + " Paris" (delimiter in the continuation) -> [290, 217, 215]
      ContinuationSplit p = ContinuationSplit.of(tok, "Answer:", " Paris", false, 0);
      assertArrayEquals(new int[] {290, 217, 215}, p.continuation());

      // empty context: the prefix token stands in
      ContinuationSplit e = ContinuationSplit.of(tok, "", " yes", false, 0);
      assertArrayEquals(new int[] {0}, e.context());
      assertArrayEquals(new int[] {407, 216}, e.continuation());
    }
  }

  @Test
  void engineScoreUsesTheSplit() {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA + " is absent");
    try (LocalEngine engine = LocalEngine.open(GQA, LocalOptions.defaults())) {
      List<TokenScore> a = engine.score("Answer: ", "yes");
      List<TokenScore> b = engine.scoreIds(new int[] {33, 78, 83, 87, 199, 26}, new int[] {407, 216});
      assertEquals(2, a.size());
      for (int i = 0; i < 2; i++) {
        assertEquals(b.get(i).id(), a.get(i).id());
        assertEquals(b.get(i).logprob(), a.get(i).logprob(), 0);
      }
    }
  }
}
