package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The built-in list, its clean-up, and the tokenizer filter's levels on a tiny (1000-token) vocabulary. */
class WordListTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");

  @Test
  void builtinListIsCleanedOfDuplicatesAndBlocklistedWords() {
    List<String> builtin = WordList.load(WordList.BUILTIN);
    assertTrue(builtin.size() >= 300, "a few hundred words: " + builtin.size());
    assertTrue(builtin.contains("red") && builtin.contains("word"));
    List<String> c = WordList.candidates(List.of("Red", "red", " blue ", "Word", "the", "two words", "I", "cat"),
        ControlConfig.DEFAULT_BLOCKLIST);
    assertEquals(List.of("Red", "blue", "cat"), c);
    assertTrue(!WordList.candidates(builtin, ControlConfig.DEFAULT_BLOCKLIST).contains("word"), "Word is blocklisted");
  }

  @Test
  void filterRelaxesToLeadingSpaceOnATinyVocabulary() {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    try (HfTokenizer tok = HfTokenizer.open(GQA)) {
      // GPT-2's first 1000 tokens: "Ġart" and "art" exist, "Ġalbum" but not "album", neither "Ġviolin" nor "violin"
      assertEquals(982, WordList.singleAfterPrefill(tok, " art"));
      assertEquals(367, WordList.singleAfterPrefill(tok, "art"));
      assertTrue(WordList.singleAfterPrefill(tok, " album") != null);
      assertNull(WordList.singleAfterPrefill(tok, "album"));
      assertNull(WordList.singleAfterPrefill(tok, " violin"));

      List<String> words = List.of("art", "album", "violin", "one", "end");
      WordList.Filtered strict = WordList.filter(words, List.of(tok), 2);
      assertEquals("strict", strict.level());
      assertEquals(List.of("art", "one", "end"), strict.words().stream().map(WordList.Word::word).toList());
      WordList.Filtered relaxed = WordList.filter(words, List.of(tok), 4);
      assertEquals("leading_space", relaxed.level());
      assertEquals(List.of("art", "album", "one", "end"), relaxed.words().stream().map(WordList.Word::word).toList());
      assertNull(relaxed.words().get(1).nospaceTokenId());
      WordList.Filtered none = WordList.filter(List.of("violin", "album"), List.of(tok), 4);
      assertEquals("unfiltered", none.level());
      assertEquals(2, none.words().size());
      assertEquals("unfiltered", WordList.filter(words, List.of(), 2).level(), "no tokenizer known");
    }
  }
}
