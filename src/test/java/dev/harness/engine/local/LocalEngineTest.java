package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Capability;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LocalEngine on tiny-llama-gqa (GQA, large logits) against its transformers goldens and its own forward pass. */
class LocalEngineTest {
  static LocalEngine engine;
  static Golden golden;

  @BeforeAll
  static void open() throws Exception {
    golden = Golden.load(Golden.model("tiny-llama-gqa"));
    engine = LocalEngine.open(golden.dir(), LocalOptions.cpu());
  }

  @AfterAll
  static void close() {
    if (engine != null) engine.close();
  }

  static CompletionRequest req(int maxTokens, double temperature, double topP, Long seed, List<String> stop) {
    return new CompletionRequest(Prompt.text("unused"), maxTokens, temperature, topP, seed, stop, true, 3, null);
  }

  @Test
  void greedyGenerationReproducesTransformers() {
    Completion c = engine.complete(golden.genPrompt(), req(20, 0.0, 1.0, null, List.of()));
    int[] ids = c.tokens().stream().mapToInt(TokenLogprob::id).toArray();
    assertArrayEquals(golden.genNewIds(), ids);
    assertEquals("length", c.finishReason());
    assertEquals(new dev.harness.engine.Usage(7, 20), c.usage());
    // the logprob of each generated token equals the full (uncached) forward pass at that position
    int[] all = new int[7 + 20];
    System.arraycopy(golden.genPrompt(), 0, all, 0, 7);
    System.arraycopy(ids, 0, all, 7, 20);
    double[][] lp = engine.logSoftmaxAll(all);
    for (int i = 0; i < 20; i++) {
      TokenLogprob t = c.tokens().get(i);
      assertEquals(lp[6 + i][ids[i]], t.logprob(), 1e-4, "token " + i);
      assertEquals(3, t.top().size());
      assertEquals(ids[i], t.top().get(0).id(), "greedy token is the top-1 alternative");
    }
    // telemetry: 3 layers × 2 (K,V) × 2 kv heads × 26 cached tokens × head_dim 8 × 4 bytes
    assertEquals(3L * 2 * 2 * 26 * 8 * 4, c.telemetry().kvFullBytes());
    assertNotNull(c.telemetry().prefillMs());
    assertTrue(c.telemetry().peakRssBytes() == null || c.telemetry().peakRssBytes() > 0);
  }

  @Test
  void scoreIdsEqualsGoldenNextTokenLogprobs() {
    Golden.Sequence s = golden.sequences().get(2); // len33
    int k = 10;
    List<TokenScore> scores = engine.scoreIds(Arrays.copyOf(s.ids(), k), Arrays.copyOfRange(s.ids(), k, s.ids().length));
    assertEquals(s.ids().length - k, scores.size());
    double sum = 0;
    double ref = 0;
    for (int j = 0; j < scores.size(); j++) {
      assertEquals(s.ids()[k + j], scores.get(j).id());
      assertEquals(s.nextTokenLogprobs()[k - 1 + j], scores.get(j).logprob(), 2e-3);
      sum += scores.get(j).logprob();
      ref += s.nextTokenLogprobs()[k - 1 + j];
    }
    assertEquals(ref, sum, 1e-2);
  }

  @Test
  void scoreFollowsLmEvalSplit() {
    // trailing whitespace of the context moves to the continuation
    List<TokenScore> a = engine.score("The quick brown ", "fox");
    List<TokenScore> b = engine.score("The quick brown", " fox");
    assertEquals(a, b);
    int[] ctx = engine.hfTokenizer().encodeIds("The quick brown", false);
    int[] whole = engine.hfTokenizer().encodeIds("The quick brown fox", false);
    assertEquals(engine.scoreIds(ctx, Arrays.copyOfRange(whole, ctx.length, whole.length)), b);
    // empty context: the continuation is scored after BOS (here <|endoftext|> = 0)
    List<TokenScore> e = engine.score("", "The quick");
    int[] cont = engine.hfTokenizer().encodeIds("The quick", false);
    int[] withBos = new int[cont.length + 1];
    System.arraycopy(cont, 0, withBos, 1, cont.length);
    double[][] lp = engine.logSoftmaxAll(withBos);
    for (int j = 0; j < cont.length; j++) {
      assertEquals(lp[j][cont[j]], e.get(j).logprob(), 1e-6);
      assertEquals(LogProbs.topK(lp[j], 1)[0] == cont[j], e.get(j).greedy());
    }
  }

  @Test
  void nextTokenFullVocabularyAndTopK() {
    Prompt p = Prompt.text("The quick brown");
    NextToken full = engine.nextToken(p, 0);
    assertTrue(full.fullVocabulary());
    assertEquals(1000, full.top().size());
    double mass = full.top().stream().mapToDouble(t -> Math.exp(t.logprob())).sum();
    assertEquals(1.0, mass, 1e-6);
    NextToken top = engine.nextToken(p, 5);
    assertEquals(5, top.top().size());
    assertEquals(full.top().subList(0, 5), top.top());
    assertTrue(top.restMass() > 0 && top.restMass() < 1);
    double[][] lp = engine.logSoftmaxAll(engine.promptIds(p));
    assertEquals(lp[lp.length - 1][top.top().get(0).id()], top.top().get(0).logprob(), 1e-5);
  }

  @Test
  void samplingIsDeterministicPerSeed() {
    int[] prompt = golden.genPrompt();
    Completion a = engine.complete(prompt, req(12, 1.0, 0.9, 7L, List.of()));
    Completion b = engine.complete(prompt, req(12, 1.0, 0.9, 7L, List.of()));
    Completion c = engine.complete(prompt, req(12, 1.0, 0.9, 8L, List.of()));
    assertEquals(a.text(), b.text());
    assertEquals(a.tokens(), b.tokens());
    assertFalse(Arrays.equals(ids(a), ids(c)), "different seeds gave the same 12 samples");
    Completion nucleus = engine.complete(prompt, req(12, 1.0, 1e-9, 3L, List.of()));
    assertArrayEquals(Arrays.copyOf(golden.genNewIds(), 12), ids(nucleus), "top_p → 0 is greedy");
  }

  @Test
  void stopStringsCutTheText() {
    Completion free = engine.complete(engine.promptIds(Prompt.text("The quick brown")), req(20, 0.0, 1.0, null, List.of()));
    String text = free.text();
    assertTrue(text.length() > 6, "need some text to cut: '" + text + "'");
    String stop = text.substring(3, 6);
    Completion cut = engine.complete(engine.promptIds(Prompt.text("The quick brown")), req(20, 0.0, 1.0, null, List.of(stop)));
    assertEquals("stop", cut.finishReason());
    assertEquals(text.substring(0, text.indexOf(stop)), cut.text());
    assertTrue(cut.tokens().size() <= free.tokens().size());
  }

  @Test
  void chatPromptWithoutTemplateUsesPlainFallbackAndPrefill() {
    Prompt p = Prompt.chat(List.of(Message.user("Hi"))).withPrefill("Hello");
    assertArrayEquals(engine.hfTokenizer().encodeIds("User: Hi\n\nAssistant: Hello", true), engine.promptIds(p));
    Completion c = engine.complete(CompletionRequest.greedy(p, 3));
    assertEquals(3, c.usage().completionTokens());
  }

  @Test
  void infoDeclaresCapabilities() {
    var info = engine.info();
    assertEquals("local", info.kind());
    assertTrue(info.can(Capability.SCORE) && info.can(Capability.FULL_VOCABULARY) && info.can(Capability.TOKENIZER));
    assertTrue(info.can(Capability.KV_COMPRESSION), "KV compression policies are implemented");
    assertEquals(1000, engine.vocabSize());
  }

  static int[] ids(Completion c) { return c.tokens().stream().mapToInt(TokenLogprob::id).toArray(); }
}
