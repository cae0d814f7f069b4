package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.data.Example;
import dev.harness.data.LongBenchPrompt;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The context/question split by token boundaries (the tokenizer's offsets), on a word-level (door-qa-llama, the
 * repository's fixture), a byte-level BPE (tiny-random-gpt2) and a SentencePiece-style BPE (tiny-random-llama:
 * Metaspace normalizer, byte fallback) tokenizer. Expected split: the number of ids of the context part encoded alone
 * (the LongBench prompt's boundary "…story.\n\nNow, answer…" is a token boundary for all three), and the prompt's ids
 * start with exactly those ids.
 */
class SuffixSplitTest {
  static final Example EX = new Example("x", "field smoke golden wall . The door of house 7 was painted crimson . ribbon roof quiet",
      "What colour was the door of house 7 ?", List.of("crimson"), Map.of());

  static Path dir(String where) {
    Path d = Path.of(where);
    Assumptions.assumeTrue(Files.isDirectory(d), "SKIPPED: " + d.toAbsolutePath() + " is absent");
    return d;
  }

  @ParameterizedTest
  @CsvSource({
      "data/fixtures/models/door-qa-llama, WordLevel",
      "../shared/models/tiny-random-gpt2, BPE",
      "../shared/models/tiny-random-llama, BPE"})
  void theQuestionStartsWhereTheContextPartsIdsEnd(String where, String modelType) throws Exception {
    Path d = dir(where);
    assertEquals(modelType, new ObjectMapper().readTree(d.resolve("tokenizer.json").toFile()).path("model").path("type").asText());
    try (HfTokenizer tok = HfTokenizer.open(d)) {
      String text = LongBenchPrompt.build(EX);
      int[] ids = tok.encodeIds(text, true);
      int[] context = tok.encodeIds(LongBenchPrompt.contextPart(EX), true);
      int q = SuffixSplit.at(tok, new RenderedPrompt(text, true), LongBenchPrompt.questionPart(EX));
      assertEquals(context.length, q, where);
      assertArrayEquals(context, Arrays.copyOf(ids, q), where + ": the prompt's ids begin with the context's");
      assertTrue(q < ids.length - 10, where + ": the question has its tokens");
    }
  }

  /** The old rule searched the question in decode(ids): a word-level decode joins words with spaces, so it fails. */
  @Test
  void wordLevelDecodeDoesNotReproduceTheTextSoOnlyOffsetsWork() {
    try (HfTokenizer tok = HfTokenizer.open(dir("data/fixtures/models/door-qa-llama"))) {
      String text = LongBenchPrompt.build(EX);
      String decoded = tok.decode(tok.encodeIds(text, true), false);
      assertFalse(decoded.contains(LongBenchPrompt.questionPart(EX)), decoded);
      assertFalse(decoded.contains(LongBenchPrompt.questionPart(EX).strip()), decoded);
      int q = SuffixSplit.at(tok, new RenderedPrompt(text, true), LongBenchPrompt.questionPart(EX));
      int[] ids = tok.encodeIds(text, true);
      // the question's first word: "Now" (the "\n\n" before it is whitespace, no token)
      assertEquals("Now", tok.decode(new int[] {ids[q]}, false));
      assertEquals("quiet", tok.decode(new int[] {ids[q - 1]}, false), "the story's last word");
      assertThrows(IllegalArgumentException.class, () -> SuffixSplit.at(tok, new RenderedPrompt(text, true), "not in there"));
    }
  }

  @Test
  void aTokenStraddlingTheBoundaryGoesWithTheQuestion() {
    // ends of 4 tokens, the 1st a BOS without a span; the question starts at character 5, inside token 2 (ends at 7)
    assertEquals(2, SuffixSplit.boundary(new int[] {-1, 3, 7, 9}, 5));
    assertEquals(2, SuffixSplit.boundary(new int[] {-1, 3, 7, 9}, 3));
    assertEquals(1, SuffixSplit.boundary(new int[] {-1, 3, 7, 9}, 0));
    assertEquals(4, SuffixSplit.boundary(new int[] {-1, 3, 7, 9}, 9));
  }
}
