package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

  /**
   * A leading BOS entry (vLLM's echo of a text prompt: serving_completion.py, _create_completion_logprobs): offset 0,
   * and every later offset shifted by its text's length, vLLM's running sums; a prompt that spells "<s>" itself is
   * not mistaken for one.
   */
  @Test
  void aLeadingBosEntryShiftsTheOffsetsByItsText() {
    List<String> vocab = List.of("<s>", "a", " b", " c", "<", "s", ">");
    Tokenizer t = new Tokenizer() {
      @Override public List<Integer> encode(String text, boolean special) {
        List<Integer> out = new ArrayList<>();
        if (special) out.add(0);
        for (String w : text.split("(?= )")) if (!w.isEmpty()) out.add(vocab.indexOf(w));
        return out;
      }
      @Override public String decode(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i : ids) sb.append(vocab.get(i));
        return sb.toString();
      }
    };
    EchoScoring e = new EchoScoring(new ReverseEngine(new WordTokenizer()), t);
    List<TokenLogprob> withBos = new ArrayList<>();
    withBos.add(new TokenLogprob("<s>", 0, Double.NaN, null, List.of()));
    withBos.addAll(toks(new int[] {1, 2, 3}, "a", " b", " c"));
    assertArrayEquals(new int[] {0, 3, 4, 6}, e.offsets("a b c", withBos));
    assertEquals(3, e.leadLength("a b c", withBos));
    // without a tokenizer: the entries after it spell the prompt on their own
    assertArrayEquals(new int[] {0, 3, 4, 6}, new EchoScoring(new ReverseEngine(new WordTokenizer()), null).offsets("a b c", withBos));
    // no BOS entry: offsets from 0 as before
    assertEquals(0, e.leadLength("a b c", toks(new int[] {1, 2, 3}, "a", " b", " c")));
    // the prompt "<s> b" spelled by its own tokens: no lead
    List<TokenLogprob> literal = new ArrayList<>();
    literal.add(new TokenLogprob("<", 4, Double.NaN, null, List.of()));
    literal.addAll(toks(new int[] {5, 6, 2}, "s", ">", " b"));
    assertArrayEquals(new int[] {0, 1, 2, 3}, e.offsets("<s> b", literal));
  }
}
