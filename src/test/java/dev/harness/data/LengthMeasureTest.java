package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LengthMeasureTest {
  @Test
  void approximateIsCeilOfCharsOverFour() {
    LengthMeasure m = LengthMeasure.approximate();
    assertEquals("approx_chars_div_4", m.name());
    assertEquals(0, m.length(""));
    assertEquals(1, m.length("abcd"));
    assertEquals(2, m.length("abcde"));
    assertEquals(1, m.length("\uD83D\uDE00ab")); // one code point + 2 chars = 3 → 1
  }

  @Test
  void tokenizerMeasureCountsTokens() {
    LengthMeasure m = LengthMeasure.of(new WhitespaceTokenizer());
    assertEquals("tokenizer", m.name());
    assertEquals(3, m.length("a bb ccc"));
    assertEquals("tokenizer:org/model", LengthMeasure.of(new WhitespaceTokenizer(), "org/model").name());
  }
}
