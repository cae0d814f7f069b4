package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LongBenchPromptTest {
  static final Example EX = new Example("id1", "Once upon a {input} time.", "Who?", List.of("x"), Map.of());

  @Test
  void matchesTheUpstreamTemplateCharForChar() {
    String expected = "You are given a story, which can be either a novel or a movie script, and a question. Answer the"
        + " question asconcisely as you can, using a single phrase if possible. Do not provide any explanation.\n\n"
        + "Story: Once upon a {input} time.\n\nNow, answer the question based on the story asconcisely as you can,"
        + " using a single phrase if possible. Do not provide any explanation.\n\nQuestion: Who?\n\nAnswer:";
    assertEquals(expected, LongBenchPrompt.build(EX));
  }

  @Test
  void contextAndQuestionPartsSplitBeforeNowAnswer() {
    assertEquals(LongBenchPrompt.build(EX), LongBenchPrompt.contextPart(EX) + LongBenchPrompt.questionPart(EX));
    assertTrue(LongBenchPrompt.questionPart(EX).startsWith("\n\nNow, answer the question"));
    assertTrue(LongBenchPrompt.contextPart(EX).endsWith("Story: Once upon a {input} time."));
    assertFalse(LongBenchPrompt.contextPart(EX).contains("Who?"));
  }

  @Test
  void truncateMiddleKeepsBothEnds() {
    WhitespaceTokenizer tok = new WhitespaceTokenizer();
    String prompt = "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9";
    LongBenchPrompt.Truncated t = LongBenchPrompt.truncateMiddle(prompt, tok, 4);
    assertEquals(new LongBenchPrompt.Truncated("t0 t1 t8 t9", true, 10, 4), t);
    LongBenchPrompt.Truncated odd = LongBenchPrompt.truncateMiddle(prompt, tok, 5);
    assertEquals(new LongBenchPrompt.Truncated("t0 t1 t8 t9", true, 10, 4), odd);
    assertEquals(new LongBenchPrompt.Truncated(prompt, false, 10, 10), LongBenchPrompt.truncateMiddle(prompt, tok, 10));
    assertThrows(DataException.class, () -> LongBenchPrompt.truncateMiddle(prompt, tok, 1));
  }
}
