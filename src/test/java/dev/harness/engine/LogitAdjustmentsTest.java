package dev.harness.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vLLM's order and rules (logit bias, then apply_penalties), checked against values worked out by hand. */
class LogitAdjustmentsTest {
  @Test
  void biasThenRepetitionThenFrequencyAndPresence() {
    float[] logits = {2f, -1f, 0.5f, 3f, -2f};
    int[] prompt = {1};
    List<Integer> output = List.of(3, 3, 2);
    LogitAdjustments a = new LogitAdjustments(Map.of(0, 1.0, 4, -100.0), 0.25, 0.5, 2.0);
    float[] got = a.apply(logits, prompt, output);
    // id0: 2+1 = 3, not seen → 3
    // id1: in the prompt, -1 → *2 = -2; not in the output → no frequency/presence
    // id2: 0.5 in the output once → /2 = 0.25, - 0.5*1 - 0.25 = -0.5
    // id3: 3 in the output twice → /2 = 1.5, - 0.5*2 - 0.25 = 0.25
    // id4: -2-100 = -102, not seen
    assertArrayEquals(new float[] {3f, -2f, -0.5f, 0.25f, -102f}, got, 1e-6f);
    assertArrayEquals(new float[] {2f, -1f, 0.5f, 3f, -2f}, logits, "the input is left as it is");
    assertTrue(LogitAdjustments.NONE.isNone());
  }
}
