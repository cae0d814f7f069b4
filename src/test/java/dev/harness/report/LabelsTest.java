package dev.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabelsTest {
  @Test
  void excerpts() {
    assertEquals("short prompt", Labels.excerpt("  short\n\tprompt ", 28));
    // 28 chars: the first 27 are "Write a poem about the sea " → cut at the last space → "Write a poem about the sea…"
    assertEquals("Write a poem about the sea…", Labels.excerpt("Write a poem about the sea and the sky at night", 28));
    assertEquals("Supercalifragilisticexpiali…", Labels.excerpt("Supercalifragilisticexpialidocious words", 28));
    assertEquals("(empty)", Labels.excerpt(" \n ", 28));
    assertEquals("exactly ten", Labels.excerpt("exactly ten", 11));
  }
}
