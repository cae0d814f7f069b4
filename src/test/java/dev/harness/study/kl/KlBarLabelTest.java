package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** kl's top-prompts bars are labelled by what the prompt says, not by its hash id (issue 15). */
class KlBarLabelTest {
  @Test
  void labelIsAPromptExcerptWithItsSamples() {
    Map<String, String> texts = Map.of("9f2c41d0a7", "Write a poem about the sea and the sky at night");
    assertEquals("Write a poem about the sea… (n=8)", KlAnalyze.barLabel("9f2c41d0a7", 8, texts));
    assertEquals("abc123 (n=2)", KlAnalyze.barLabel("abc123", 2, Map.of()), "no text stored: the id");
  }
}
