package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HfSourceTest {
  @Test
  void repoRevisionAndPath() {
    assertEquals(Optional.of(new HfSource("allenai/ai2_arc", "main", null)), HfSource.parse("hf://allenai/ai2_arc"));
    assertEquals(Optional.of(new HfSource("allenai/ai2_arc", "v1.0", "ARC-Easy/test.jsonl")),
        HfSource.parse("hf://allenai/ai2_arc@v1.0/ARC-Easy/test.jsonl"));
    assertEquals(Optional.of(new HfSource("org/name", "main", "")), HfSource.parse("hf://org/name/"));
  }

  @Test
  void withoutOrgAndNameItIsNotASource() {
    assertEquals(Optional.empty(), HfSource.parse("hf://ai2_arc"));
    assertEquals(Optional.empty(), HfSource.parse("hf:///ai2_arc"));
    assertEquals(Optional.empty(), HfSource.parse("hf://org/"));
  }

  @Test
  void onlyHfAddressesAreHubSources() {
    assertTrue(HfSource.is("hf://org/name"));
    assertFalse(HfSource.is("../shared/data/arc/test.jsonl"));
  }
}
