package dev.harness.engine.local;

import dev.harness.engine.AnswerLoglik;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvProtocol;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.Telemetry;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.kv.KvPolicies;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KV compression through LocalEngine on tiny-llama-gqa (3 layers, 8 heads / 2 KV heads, head_dim 8, float32). */
class LocalEngineKvTest {
  static LocalEngine engine;
  static final String QUESTION = "Question: Who kept the lighthouse?\n\nAnswer:";
  static final String STORY = "Story: The old keeper lived by the sea. Every night she climbed the stairs and lit the lamp. "
      + "Ships passed in the dark, and sailors sang of the light on the rock. One winter a storm broke the glass, "
      + "and the keeper mended it with her own hands before the morning tide.\n\n";
  static final Map<String, Object> PARAMS = Map.of("window", 8, "kernel", 5, "n_sink", 4, "seed", 3, "prompt_tokens", 99);

  @BeforeAll
  static void open() {
    engine = LocalEngine.open(Golden.model("tiny-llama-gqa"), LocalOptions.cpu());
  }

  @AfterAll
  static void close() {
    if (engine != null) engine.close();
  }

  static KvSpec kv(String policy, double budget) { return new KvSpec(policy, budget, PARAMS, true, null); }

  static CompletionRequest req(KvSpec kv) {
    return new CompletionRequest(Prompt.text(STORY + QUESTION), 5, 0.0, 1.0, null, List.of(), true, 3, kv);
  }

  @Test
  void budgetOneWithAnyPolicyEqualsNoCompression() {
    Completion plain = engine.complete(req(null));
    int len = engine.promptIds(Prompt.text(STORY + QUESTION)).length;
    for (String p : KvPolicies.names()) {
      for (boolean aware : new boolean[] {true, false}) {
        Completion c = engine.complete(req(new KvSpec(p, 1.0, PARAMS, aware, QUESTION)));
        assertEquals(plain.text(), c.text(), p);
        assertEquals(plain.tokens(), c.tokens(), p + " logprobs and top-3 identical");
        Map<String, Object> x = c.telemetry().extra();
        int ctx = (int) x.get("kv_context_length");
        assertEquals(len - (int) x.get("kv_question_tokens"), ctx, p);
        assertTrue((int) x.get("kv_question_tokens") > 5, p + ": the question is not part of the context");
        assertEquals("kvpress", x.get("kv_protocol"), p);
        assertEquals(ctx, x.get("kv_n_kept"), p);
        assertNotNull(x.get("kv_note"), p + " says why nothing was dropped");
        assertEquals(c.telemetry().kvFullBytes(), c.telemetry().kvKeptBytes(), p);
      }
    }
  }

  @Test
  void compressedRequestsReportTheKeptTensors() {
    int len = engine.promptIds(Prompt.text(STORY + QUESTION)).length;
    assertTrue(len > 40, "prompt of " + len + " tokens");
    for (String p : KvPolicies.names()) {
      Completion c = engine.complete(req(kv(p, 0.3)));
      Telemetry t = c.telemetry();
      Map<String, Object> x = t.extra();
      int n = p.equals("full") ? len : (int) Math.ceil(0.3 * len - 1e-9);
      assertEquals(n, x.get("kv_n_kept"), p);
      assertEquals(n, x.get("kv_max_capacity_prompt"), p);
      assertEquals(List.of(n, n, n), x.get("kv_kept_positions_per_layer"), p);
      assertEquals(p, x.get("kv_policy"));
      assertEquals(0.3, (double) x.get("kv_budget"), 0.0);
      assertEquals(0.7, (double) x.get("kv_compression_ratio"), 1e-12);
      assertEquals(len, x.get("kv_context_length"));
      // 3 layers × (K, V) × 2 KV heads × positions × head_dim 8 × 4 bytes
      assertEquals(3L * 2 * 2 * n * 8 * 4, t.kvKeptBytes(), p);
      assertEquals(3L * 2 * 2 * len * 8 * 4, t.kvFullBytes(), p);
      if (!p.equals("full")) assertTrue(Math.abs((double) t.kvKeptBytes() / t.kvFullBytes() - 0.3) <= 1.0 / len, p);
      assertEquals(3L * 2 * 2 * (n + c.usage().completionTokens() - 1) * 8 * 4, ((Number) x.get("kv_final_bytes")).longValue(), p);
      assertTrue(t.prefillMs() != null && t.decodeMs() != null, p);
    }
  }

  @Test
  void queryAgnosticAppendsTheSuffixAfterCompression() {
    Prompt prompt = Prompt.text(STORY + QUESTION);
    int[] ids = engine.promptIds(prompt);
    KvSpec spec = new KvSpec("snapkv", 0.25, PARAMS, false, QUESTION);
    int split = engine.questionStart(prompt, spec);
    String tail = engine.hfTokenizer().decode(Arrays.copyOfRange(ids, split, ids.length), false);
    assertEquals(QUESTION, tail, "the split falls on the token boundary where the question starts");
    int n = spec.keptPositions(split);
    for (String p : List.of("snapkv", "h2o", "knorm", "streaming_llm", "random")) {
      for (KvProtocol protocol : KvProtocol.values()) {
        for (boolean aware : new boolean[] {false, true}) {
          if (protocol == KvProtocol.FULL_PREFILL && aware) continue;
          int[][][] pos = engine.cachedPositionsAfterPrefill(prompt, new KvSpec(p, 0.25, PARAMS, aware, QUESTION, protocol));
          for (int[][] layer : pos) {
            for (int[] head : layer) {
              assertEquals(n + ids.length - split, head.length, p);
              for (int j = 0; j < n; j++) assertTrue(head[j] < split, p + ": compressed part is context only");
              for (int j = 0; j < ids.length - split; j++) assertEquals(split + j, head[n + j], p + ": every question position kept, after");
            }
          }
        }
      }
    }
    Completion c = engine.complete(req(spec));
    assertEquals(ids.length - split, c.telemetry().extra().get("kv_protected_suffix_tokens"));
    assertEquals(split, c.telemetry().extra().get("kv_context_length"));
    assertEquals(false, c.telemetry().extra().get("kv_query_aware"));
    // full_prefill, query-aware: the whole prompt, question included, is compressed after a full prefill
    int[][][] whole = engine.cachedPositionsAfterPrefill(prompt, new KvSpec("snapkv", 0.25, PARAMS, true, QUESTION, KvProtocol.FULL_PREFILL));
    assertEquals(spec.keptPositions(ids.length), whole[0][0].length);
  }

  /**
   * kvpress: the first answer token comes from the compressed cache. full_prefill (query-aware) computes it in the
   * uncompressed prefill, so its first-token log-probs equal those of no compression exactly; kvpress's do not.
   */
  @Test
  void underKvpressTheFirstAnswerTokenSeesTheCompressedCache() {
    Completion plain = engine.complete(req(null));
    for (String p : List.of("snapkv", "h2o", "streaming_llm", "knorm")) {
      Completion full = engine.complete(req(new KvSpec(p, 0.2, PARAMS, true, QUESTION, KvProtocol.FULL_PREFILL)));
      Completion press = engine.complete(req(new KvSpec(p, 0.2, PARAMS, true, QUESTION, KvProtocol.KVPRESS)));
      assertEquals(plain.tokens().get(0), full.tokens().get(0), p + ": full_prefill's first token is the uncompressed one");
      assertNotEquals(plain.tokens().get(0).logprob(), press.tokens().get(0).logprob(), 1e-6, p + ": kvpress's is not");
      assertEquals("full_prefill", full.telemetry().extra().get("kv_protocol"));
      assertEquals("kvpress", press.telemetry().extra().get("kv_protocol"));
    }
  }

  /**
   * For a policy that reads no attention (streaming_llm, knorm) the question's taking part in the scoring cannot
   * change what is kept, so kvpress query-aware (context + question prefilled, compressed among the context, rewound,
   * question rerun) must give what query-agnostic kvpress (context prefilled alone) gives: the rewind is exact.
   */
  @Test
  void theQuestionRerunEqualsAQueryAgnosticRunForAPolicyThatIgnoresAttention() {
    for (String p : List.of("streaming_llm", "knorm")) {
      Completion aware = engine.complete(req(new KvSpec(p, 0.3, PARAMS, true, QUESTION)));
      Completion agnostic = engine.complete(req(new KvSpec(p, 0.3, PARAMS, false, QUESTION)));
      assertEquals(agnostic.text(), aware.text(), p);
      for (int i = 0; i < aware.tokens().size(); i++) {
        assertEquals(agnostic.tokens().get(i).logprob(), aware.tokens().get(i).logprob(), 1e-4, p + " token " + i);
      }
      assertEquals(agnostic.telemetry().kvKeptBytes(), aware.telemetry().kvKeptBytes(), p);
      assertEquals(agnostic.telemetry().kvFullBytes(), aware.telemetry().kvFullBytes(), p);
    }
    // snapkv's window is the question's tail when it is scored, the context's tail when not: different positions
    Prompt prompt = Prompt.text(STORY + QUESTION);
    int[][][] aware = engine.cachedPositionsAfterPrefill(prompt, new KvSpec("snapkv", 0.3, PARAMS, true, QUESTION));
    int[][][] agnostic = engine.cachedPositionsAfterPrefill(prompt, new KvSpec("snapkv", 0.3, PARAMS, false, QUESTION));
    assertTrue(!Arrays.deepEquals(aware, agnostic), "the question in the observation window changes what snapkv keeps");
  }

  @Test
  void chatPromptSuffixIsFoundInTheRenderedMessage() {
    Prompt chat = Prompt.chat(List.of(Message.user(STORY + "Question: Who kept the lighthouse?")));
    int[] ids = engine.promptIds(chat);
    KvSpec spec = new KvSpec("knorm", 0.5, Map.of(), false, "Question: Who kept the lighthouse?");
    int split = engine.questionStart(chat, spec);
    String tail = engine.hfTokenizer().decode(Arrays.copyOfRange(ids, split, ids.length), false);
    assertEquals("Question: Who kept the lighthouse?\n\nAssistant:", tail);
    Completion c = engine.complete(CompletionRequest.greedy(chat, 3).withKv(spec));
    assertEquals(split, c.telemetry().extra().get("kv_context_length"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine.complete(CompletionRequest.greedy(chat, 3).withKv(new KvSpec("knorm", 0.5, Map.of(), false, "not in there"))));
    assertTrue(e.getMessage().contains("protected suffix"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> engine.complete(CompletionRequest.greedy(chat, 3).withKv(new KvSpec("snapkv", 0.5, Map.of("kernel", 2), true, null))));
  }

  @Test
  void answerLoglikAtBudgetOneEqualsScore() {
    String ctx = STORY + QUESTION;
    String answer = " the old keeper";
    List<TokenScore> ref = engine.score(ctx, answer);
    double refSum = ref.stream().mapToDouble(TokenScore::logprob).sum();
    AnswerLoglik none = engine.answerLoglik(Prompt.text(ctx), answer, null);
    assertEquals(ref, none.tokens());
    for (String p : KvPolicies.names()) {
      AnswerLoglik a = engine.answerLoglik(Prompt.text(ctx), answer, kv(p, 1.0));
      assertEquals(ref.size(), a.nTokens(), p);
      assertEquals(refSum, a.sum(), 1e-9, p);
      assertEquals(refSum / ref.size(), a.meanPerToken(), 1e-9, p);
      assertEquals(ref, a.tokens(), p);
    }
    // trailing whitespace moves to the answer, as in score()
    assertEquals(engine.score(ctx + " ", "the old keeper"), engine.answerLoglik(Prompt.text(ctx + " "), "the old keeper", kv("h2o", 1.0)).tokens());
  }

  @Test
  void answerLoglikAtBudgetPointTwoDiffersAndIsFinite() {
    String ctx = STORY + QUESTION;
    String answer = " the old keeper of the light";
    double full = engine.answerLoglik(Prompt.text(ctx), answer, KvSpec.full()).sum();
    for (String p : List.of("snapkv", "streaming_llm", "h2o", "knorm", "random")) {
      for (boolean aware : new boolean[] {true, false}) {
        AnswerLoglik a = engine.answerLoglik(Prompt.text(ctx), answer, new KvSpec(p, 0.2, PARAMS, aware, QUESTION));
        assertTrue(Double.isFinite(a.sum()) && a.sum() < 0, p + " " + a.sum());
        assertNotEquals(full, a.sum(), 1e-6, p + " aware=" + aware);
        int ctxLen = (int) a.telemetry().extra().get("kv_context_length");
        assertEquals((int) Math.ceil(0.2 * ctxLen - 1e-9), a.telemetry().extra().get("kv_n_kept"), p);
        assertTrue(a.telemetry().kvKeptBytes() < a.telemetry().kvFullBytes(), p);
      }
    }
  }

  /** answer_loglik follows the protocol: only under kvpress does the answer's first token see the compressed cache. */
  @Test
  void answerLoglikFollowsTheProtocol() {
    String ctx = STORY + QUESTION;
    String answer = " the old keeper";
    AnswerLoglik none = engine.answerLoglik(Prompt.text(ctx), answer, null);
    for (String p : List.of("snapkv", "streaming_llm", "h2o")) {
      AnswerLoglik full = engine.answerLoglik(Prompt.text(ctx), answer, new KvSpec(p, 0.2, PARAMS, true, QUESTION, KvProtocol.FULL_PREFILL));
      AnswerLoglik press = engine.answerLoglik(Prompt.text(ctx), answer, new KvSpec(p, 0.2, PARAMS, true, QUESTION));
      assertEquals(none.tokens().get(0).logprob(), full.tokens().get(0).logprob(), 1e-5, p + ": full_prefill's first answer token is uncompressed (up to float rounding of the chunked prefill)");
      assertNotEquals(none.tokens().get(0).logprob(), press.tokens().get(0).logprob(), 1e-3, p + ": kvpress's sees the compressed cache");
      assertEquals("kvpress", press.telemetry().extra().get("kv_protocol"));
      int q = engine.questionStart(Prompt.text(ctx), new KvSpec(p, 0.2, PARAMS, true, QUESTION));
      assertEquals(q, press.telemetry().extra().get("kv_context_length"), p + ": the budget counts the context only");
      assertEquals(none.promptTokens(), press.telemetry().extra().get("kv_scored_length"), p + ": the question was scored");
    }
  }

  @Test
  void noArraysLeakAcross50CompressedRequests() {
    engine.complete(req(kv("h2o", 0.3))); // warm up lazily created state
    int before = engine.manager().getManagedArrays().size();
    String[] policies = {"snapkv", "h2o", "knorm", "streaming_llm", "random"};
    for (int i = 0; i < 50; i++) {
      String p = policies[i % policies.length];
      KvSpec spec = new KvSpec(p, 0.2 + 0.1 * (i % 3), PARAMS, i % 2 == 0, QUESTION);
      if (i % 5 == 4) engine.answerLoglik(Prompt.text(STORY + QUESTION), " the keeper", spec);
      else engine.complete(new CompletionRequest(Prompt.text(STORY + QUESTION), 3, 0.0, 1.0, null, List.of(), false, 0, spec));
    }
    assertEquals(before, engine.manager().getManagedArrays().size(), "arrays left behind under the engine's root manager");
  }
}
