package dev.harness.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.HarnessException;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSONL → token ids with tiny-llama-gqa's tokenizer (byte-level BPE, no chat template, EOS id 0). */
class TrainDataTest {
  @TempDir Path tmp;

  private static int[] concat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) n += p.length;
    int[] out = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void sftAndTargetLinesBecomeTheIdsTheEngineWouldSee() throws Exception {
    Path dir = TrainFixtures.model("tiny-llama-gqa");
    Path f = tmp.resolve("d.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"prompt\": \"Q: sky?\\nA:\", \"response\": \" blue\"}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"grass?\"}, {\"role\": \"assistant\", \"content\": \"green\"}]}",
        "",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"pick\"}], \"prefill\": \"My answer is:\", \"targets\": {\" red\": 0.5, \" rediscover\": 0.2, \"red\": 0.3}}",
        ""));
    List<String> warnings = new ArrayList<>();
    try (HfTokenizer tok = HfTokenizer.open(dir)) {
      List<TrainExample> ex = new TrainData(tok, 64, warnings::add).read(f, "auto", null);
      assertEquals(3, ex.size());
      int[] p0 = tok.encodeIds("Q: sky?\nA:", true);
      assertArrayEquals(concat(p0, tok.encodeIds(" blue", false), new int[] {0}), ex.get(0).ids(), "prompt, response, EOS");
      assertEquals(p0.length, ex.get(0).responseStart());
      int[] p1 = tok.encodeIds("User: grass?\n\nAssistant:", true);
      assertArrayEquals(concat(p1, tok.encodeIds(" green", false), new int[] {0}), ex.get(1).ids(), "the engine's plain chat fallback");
      assertEquals(4, ex.get(2).line(), "blank lines still count");
      assertArrayEquals(tok.encodeIds("User: pick\n\nAssistant: My answer is:", true), ex.get(2).ids(), "prefill continues the answer");
      int spaceRed = tok.encodeIds(" red", false)[0];
      int red = tok.encodeIds("red", false)[0];
      assertNotEquals(spaceRed, red, "the leading space selects another token");
      int[] ids = ex.get(2).targetIds();
      float[] probs = ex.get(2).targetProbs();
      float sumSpace = 0;
      float sumBare = 0;
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] == spaceRed) sumSpace += probs[i];
        if (ids[i] == red) sumBare += probs[i];
      }
      assertEquals(0.3f, sumBare, 1e-6f);
      boolean rediscoverSharesRed = tok.encodeIds(" rediscover", false)[0] == spaceRed;
      assertEquals(rediscoverSharesRed ? 0.7f : 0.5f, sumSpace, 1e-6f);
      assertTrue(warnings.stream().anyMatch(w -> w.contains("target ' rediscover' is") && w.contains(f + ":4")), warnings.toString());
    }
  }

  @Test
  void badLinesNameFileAndLine() throws Exception {
    Path dir = TrainFixtures.model("tiny-llama-gqa");
    Path f = tmp.resolve("bad.jsonl");
    try (HfTokenizer tok = HfTokenizer.open(dir)) {
      TrainData d = new TrainData(tok, 64, w -> {});
      Files.writeString(f, "{\"prompt\": \"a\", \"response\": \"b\"}\n{not json\n");
      HarnessException e = assertThrows(HarnessException.class, () -> d.read(f, "auto", null));
      assertTrue(e.getMessage().startsWith(f + ":2: not valid JSON"), e.getMessage());
      Files.writeString(f, "{\"prompt\": \"a\", \"targets\": {\" a\": 0.8, \" b\": 0.4}}\n");
      e = assertThrows(HarnessException.class, () -> d.read(f, "auto", null));
      assertTrue(e.getMessage().contains(f + ":1: targets: probabilities sum to 1.2"), e.getMessage());
      Files.writeString(f, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n");
      e = assertThrows(HarnessException.class, () -> d.read(f, "auto", null));
      assertTrue(e.getMessage().contains(":1: messages: the last message must be the assistant's response"), e.getMessage());
    }
  }
}
