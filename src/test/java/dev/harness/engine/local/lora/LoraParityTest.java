package dev.harness.engine.local.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.LogProbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PEFT parity: ../shared/models/tiny-llama-gqa-lora (made by PEFT 0.10 on tiny-llama-gqa) reproduces PEFT's golden
 * logits and greedy ids unmerged and merged; one base serves the base model and the adapter, switched per call.
 */
class LoraParityTest {
  static final Path BASE = Path.of("../shared/models/tiny-llama-gqa");
  static final Path ADAPTER = LoraConfigTest.SHARED;

  static LocalEngine base;
  static LocalEngine lora;
  static GoldenLogits baseGolden;
  static GoldenLogits loraGolden;

  @BeforeAll
  static void open() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(ADAPTER) && Files.isDirectory(BASE), "SKIPPED: ../shared/models absent");
    baseGolden = GoldenLogits.load(BASE.resolve("golden.json"));
    loraGolden = GoldenLogits.load(ADAPTER.resolve("golden.json"));
    base = LocalEngine.open(BASE, LocalOptions.cpu());
    base.addAdapter("peft", ADAPTER);
    lora = base.withAdapter("peft");
  }

  @AfterAll
  static void close() {
    if (lora != null) lora.close();
    if (base != null) base.close();
  }

  static double check(LocalEngine e, GoldenLogits g, String what) {
    double tol = g.tolerance();
    double worst = 0;
    for (GoldenLogits.Seq s : g.sequences()) {
      float[][] logits = e.logits(s.ids());
      float[] last = logits[logits.length - 1];
      double d = 0;
      for (int i = 0; i < last.length; i++) d = Math.max(d, Math.abs(last[i] - s.lastLogits()[i]));
      System.out.printf("lora parity %s/%s: max |Δlogit| %.3g (tolerance %.3g)%n", what, s.name(), d, tol);
      assertTrue(d <= tol, what + "/" + s.name() + ": last logits differ by " + d + " > " + tol);
      for (int p = 0; p + 1 < s.ids().length; p++) {
        double lp = LogProbs.logSoftmax(logits[p])[s.ids()[p + 1]];
        assertEquals(s.nextTokenLogprobs()[p], lp, tol, what + "/" + s.name() + " next-token logprob at " + p);
      }
      worst = Math.max(worst, d);
    }
    return worst;
  }

  static int[] greedy(LocalEngine e, int[] prompt, int n) {
    Completion c = e.complete(prompt, new CompletionRequest(Prompt.text("unused"), n, 0.0, 1.0, null, List.of(), true, 1, null));
    return c.tokens().stream().mapToInt(TokenLogprob::id).toArray();
  }

  @Test
  void unmergedReproducesPeft() {
    check(lora, loraGolden, "unmerged");
    assertArrayEquals(loraGolden.genNewIds(), greedy(lora, loraGolden.genPrompt(), 20));
    assertEquals("peft", lora.adapterName());
    assertEquals("unmerged", lora.info().details().get("lora"));
  }

  @Test
  void mergedReproducesPeftMergeAndUnload() throws Exception {
    GoldenLogits merged = GoldenLogits.loadMerged(ADAPTER.resolve("golden.json"));
    try (LocalEngine m = LocalEngine.open(BASE, LocalOptions.cpu())) {
      m.mergeAdapter(ADAPTER);
      check(m, merged, "merged");
      assertArrayEquals(merged.genNewIds(), greedy(m, merged.genPrompt(), 20));
      assertEquals("merged", m.info().details().get("lora"));
      assertThrows(LoraException.class, () -> m.addAdapter("again", ADAPTER), "a merged base takes no more adapters");
    }
  }

  @Test
  void oneBaseSwitchesBetweenNoAdapterAndTheAdapterPerCall() {
    // interleaved: base, adapter, base, adapter — each call sees only its own view's adapter
    for (int round = 0; round < 2; round++) {
      check(base, baseGolden, "switch/base");
      check(lora, loraGolden, "switch/adapter");
    }
    assertNull(base.adapterName());
    assertArrayEquals(baseGolden.genNewIds(), greedy(base, baseGolden.genPrompt(), 20));
    assertArrayEquals(loraGolden.genNewIds(), greedy(lora, loraGolden.genPrompt(), 20));
    // the adapter really moves the logits (PEFT: max |Δ| 17.5 over the goldens), so the two checks are not the same one
    float[] b = base.logits(baseGolden.sequences().get(2).ids())[32];
    float[] a = lora.logits(baseGolden.sequences().get(2).ids())[32];
    double d = 0;
    for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    assertTrue(d > 1.0, "adapter changes logits by only " + d);
    assertThrows(IllegalArgumentException.class, () -> base.withAdapter("nope"));
  }

  @Test
  void viewsShareTheBaseAndTheLastCloseReleasesIt() {
    try (LocalEngine e = LocalEngine.open(BASE, LocalOptions.cpu())) {
      e.addAdapter("a", ADAPTER);
      LocalEngine v = e.withAdapter("a");
      e.close();
      assertTrue(v.alive(), "a view keeps the base loaded");
      assertEquals(loraGolden.sequences().get(0).lastLogits()[0], v.logits(loraGolden.sequences().get(0).ids())[0][0], loraGolden.tolerance());
      v.close();
      assertTrue(!v.alive());
      assertThrows(RuntimeException.class, () -> v.logits(new int[] {1, 2}));
    }
  }

  @Test
  void batchedScoringAppliesTheViewsAdapter() {
    int[] ctx = loraGolden.sequences().get(2).ids();
    int[] a = java.util.Arrays.copyOfRange(ctx, 0, 20);
    int[] b = java.util.Arrays.copyOfRange(ctx, 0, 9);
    int[] cont = {5, 6, 7};
    for (LocalEngine e : List.of(base, lora)) {
      var batch = e.scoreIdsBatch(List.of(a, b), List.of(cont, cont));
      var one = e.scoreIds(a, cont);
      var two = e.scoreIds(b, cont);
      for (int i = 0; i < cont.length; i++) {
        assertEquals(one.get(i).logprob(), batch.get(0).get(i).logprob(), 1e-4);
        assertEquals(two.get(i).logprob(), batch.get(1).get(i).logprob(), 1e-4);
      }
    }
    assertTrue(Math.abs(base.scoreIds(a, cont).get(0).logprob() - lora.scoreIds(a, cont).get(0).logprob()) > 1e-3);
  }

  @Test
  void adapterForAnotherBaseNamesTheFileAndTheModule(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path otherLlama = Path.of("../shared/models/tiny-random-llama"); // 2 layers, hidden 4
    Path gpt2 = Path.of("../shared/models/tiny-random-gpt2");
    // the same adapter cut to layers 0-1: every module exists in tiny-random-llama, with other shapes
    PeftAdapter peft = PeftAdapter.load(ADAPTER);
    java.util.Map<String, LoraPair> cut = new java.util.LinkedHashMap<>(peft.pairs());
    cut.keySet().removeIf(m -> m.startsWith("model.layers.2."));
    Path twoLayers = tmp.resolve("two-layers");
    PeftAdapter.save(twoLayers, LoraConfig.of(4, 8, 0, List.of("q_proj", "v_proj"), false, null), cut);
    try (LocalEngine e = LocalEngine.open(otherLlama, LocalOptions.cpu())) {
      LoraException x = assertThrows(LoraException.class, () -> e.addAdapter("x", ADAPTER));
      assertTrue(x.getMessage().startsWith(ADAPTER.toAbsolutePath().normalize().resolve("adapter_model.safetensors")
          + ": module model.layers.2.self_attn.q_proj: not a linear layer of the base model"), x.getMessage());
      x = assertThrows(LoraException.class, () -> e.addAdapter("y", twoLayers));
      assertEquals(twoLayers.toAbsolutePath().normalize().resolve("adapter_model.safetensors")
          + ": module model.layers.0.self_attn.q_proj: lora_A [4, 64] and lora_B [64, 4] do not fit the base weight [4, 4]"
          + " (adapter made for another base model?)", x.getMessage());
      assertTrue(e.adapters().isEmpty(), "nothing attached after a failed load");
    }
    // a base with more layers than the adapter: the config targets q_proj of layer 2, which has no weights
    try (LocalEngine e = LocalEngine.open(BASE, LocalOptions.cpu())) {
      LoraException x = assertThrows(LoraException.class, () -> e.addAdapter("y", twoLayers));
      assertTrue(x.getMessage().endsWith("module model.layers.2.self_attn.q_proj: targeted by adapter_config.json but has no "
          + "lora_A/lora_B weights (adapter made for another base model?)"), x.getMessage());
    }
    try (LocalEngine e = LocalEngine.open(gpt2, LocalOptions.cpu())) {
      LoraException x = assertThrows(LoraException.class, () -> e.addAdapter("x", ADAPTER));
      assertTrue(x.getMessage().contains("module model.layers.0.self_attn.q_proj: not a linear layer of the base model"), x.getMessage());
    }
  }
}
