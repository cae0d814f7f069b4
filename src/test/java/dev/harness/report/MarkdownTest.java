package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void buildsBlocksSeparatedByBlankLines() {
    String md = new Markdown()
        .heading(1, "kv_transition report")
        .paragraph("Budget 0.2 breaks at bin 2.")
        .bullet("n=20 per bin")
        .bullet("10,000 resamples")
        .image("F1 by bin", "acc_by_bin.png")
        .code("harness all -c x.yaml")
        .toString();
    assertEquals("# kv_transition report\n\nBudget 0.2 breaks at bin 2.\n\n- n=20 per bin\n- 10,000 resamples\n\n"
        + "![F1 by bin](acc_by_bin.png)\n\n```\nharness all -c x.yaml\n```\n", md);
  }

  @Test
  void tableEscapesPipesAndLineBreaks() {
    String md = new Markdown().table(List.of("model", "a|b"),
        List.of(List.of("base|lora", "line1\nline2"), List.of("short"))).toString();
    assertEquals("| model | a\\|b |\n| --- | --- |\n| base\\|lora | line1<br>line2 |\n| short |  |\n", md);
    assertThrows(IllegalArgumentException.class,
        () -> new Markdown().table(List.of("one"), List.of(List.of("a", "b"))));
  }

  @Test
  void imagePathsAndCodeFences() {
    assertEquals("![a \\[b\\]](plots/my%20fig.png)\n", new Markdown().image("a [b]", "plots/my fig.png").toString());
    assertEquals("````\nx ``` y\n````\n", new Markdown().code("x ``` y").toString());
    assertEquals("## Two lines\n", new Markdown().heading(2, "Two\nlines").toString());
    assertThrows(IllegalArgumentException.class, () -> new Markdown().heading(7, "x"));
  }
}
