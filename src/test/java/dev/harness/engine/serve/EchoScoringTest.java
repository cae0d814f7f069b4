package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EchoScoringTest {

  private static List<TokenLogprob> toks(int[] ids, String... texts) {
    List<TokenLogprob> out = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) out.add(new TokenLogprob(texts[i], ids == null ? -1 : ids[i], -1, null, List.of()));
    return out;
  }

  @Test
  void offsetsCountCodePoints() {
    EchoScoring e = new EchoScoring(new ReverseEngine(new WordTokenizer()), null);
    // "😀" is two UTF-16 chars but one code point, like Python's len()
    assertArrayEquals(new int[] {0, 2, 4}, e.offsets("a😀 b c", toks(null, "a😀", " b", " c")));
    assertArrayEquals(new int[] {3, 5}, EchoScoring.runningOffsets(toks(null, "😀x", "yz"), 3));
  }

  @Test
  void tokenTextsThatDoNotSpellThePromptUseTheTokenizersPrefixes() {
    // sentencepiece-like token texts ("▁b") with a tokenizer that decodes them to the real text
    List<String> vocab = List.of("a", " b", " c");
    Tokenizer t = new Tokenizer() {
      @Override public List<Integer> encode(String text, boolean special) { throw new UnsupportedOperationException(); }
      @Override public String decode(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i : ids) sb.append(vocab.get(i));
        return sb.toString();
      }
    };
    EchoScoring e = new EchoScoring(new ReverseEngine(new WordTokenizer()), t);
    assertArrayEquals(new int[] {0, 1, 3}, e.offsets("a b c", toks(new int[] {0, 1, 2}, "a", "▁b", "▁c")));
    // without ids: running sums, clamped to the text
    assertArrayEquals(new int[] {0, 4, 5}, e.offsets("a b c", toks(null, "a<s>", "▁b", "▁c")));
  }
}
