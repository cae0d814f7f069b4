package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.openai.OpenAiEngine;
import dev.harness.engine.openai.OpenAiSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End to end: the harness's own OpenAI client against this server gives what the engine gives directly. */
class OpenAiServerClientTest extends ServerTestBase {
  private final List<OpenAiEngine> clients = new ArrayList<>();

  @AfterEach
  void closeClients() { clients.forEach(OpenAiEngine::close); }

  private OpenAiEngine client(OpenAiServer s, java.util.function.UnaryOperator<OpenAiSettings> f) {
    OpenAiEngine c = new OpenAiEngine(f.apply(OpenAiSettings.of(s.baseUrl().toString(), "m", null).withMaxRetries(0)));
    clients.add(c);
    return c;
  }

  private OpenAiEngine client(OpenAiServer s) { return client(s, x -> x); }

  private static CompletionRequest chatReq(String user, int max, int top) {
    return new CompletionRequest(Prompt.chat(List.of(Message.system("be terse"), Message.user(user))), max, 0.0, 1.0, 7L,
        List.of(), top > 0, top, null);
  }

  /** Same texts, log-probs and top lists (ids are not carried over HTTP; bytes are UTF-8 of the text). */
  private static void assertSameTokens(List<TokenLogprob> expected, List<TokenLogprob> actual) {
    assertEquals(expected.size(), actual.size(), "token count");
    for (int i = 0; i < expected.size(); i++) {
      TokenLogprob e = expected.get(i);
      TokenLogprob a = actual.get(i);
      assertEquals(e.token(), a.token(), "token " + i);
      assertEquals(e.logprob(), a.logprob(), 1e-12, "logprob " + i);
      assertEquals(e.top().size(), a.top().size(), "top size " + i);
      for (int k = 0; k < e.top().size(); k++) {
        assertEquals(e.top().get(k).token(), a.top().get(k).token());
        assertEquals(e.top().get(k).logprob(), a.top().get(k).logprob(), 1e-12);
      }
    }
  }

  @Test
  void chatWithLogprobs() throws Exception {
    OpenAiServer s = start();
    CompletionRequest req = chatReq("the quick brown fox", 3, 4);
    Completion direct = engine.complete(req);
    Completion viaHttp = client(s).complete(req);
    assertEquals(direct.text(), viaHttp.text());
    assertEquals(" fox brown quick", viaHttp.text());
    assertEquals(direct.finishReason(), viaHttp.finishReason());
    assertEquals("length", viaHttp.finishReason());
    assertSameTokens(direct.tokens(), viaHttp.tokens());
    assertTrue(viaHttp.tokens().stream().allMatch(t -> new String(t.bytes(), StandardCharsets.UTF_8).equals(t.token())));
    assertEquals(direct.usage(), viaHttp.usage());
    // what reached the engine
    assertEquals(req, engine.last);
  }

  @Test
  void completionsWithLogprobsAndStop() throws Exception {
    OpenAiServer s = start();
    OpenAiEngine c = client(s, x -> x.withEndpoint(OpenAiSettings.COMPLETIONS));
    CompletionRequest req = new CompletionRequest(Prompt.text("un deux trois quatre"), 10, 0.7, 0.9, 3L, List.of(" deux"), true, 2, null);
    Completion direct = engine.complete(req);
    Completion viaHttp = c.complete(req);
    assertEquals(" quatre trois", viaHttp.text());
    assertEquals(direct.text(), viaHttp.text());
    assertEquals(direct.finishReason(), viaHttp.finishReason());
    assertSameTokens(direct.tokens(), viaHttp.tokens());
    assertEquals(req, engine.last);
  }

  @Test
  void nextTokenOnBothEndpoints() throws Exception {
    OpenAiServer s = start();
    Prompt p = Prompt.chat(List.of(Message.user("alpha beta")));
    NextToken direct = engine.nextToken(p, 5);
    NextToken viaHttp = client(s).nextToken(p, 5);
    assertEquals(direct.top().size(), viaHttp.top().size());
    for (int i = 0; i < 5; i++) {
      assertEquals(direct.top().get(i).token(), viaHttp.top().get(i).token());
      assertEquals(direct.top().get(i).logprob(), viaHttp.top().get(i).logprob(), 1e-12);
    }
    assertEquals(direct.restMass(), viaHttp.restMass(), 1e-12);
    Prompt t = Prompt.text("alpha beta gamma");
    NextToken d2 = engine.nextToken(t, 3);
    NextToken h2 = client(s, x -> x.withEndpoint(OpenAiSettings.COMPLETIONS)).nextToken(t, 3);
    assertEquals(d2.top().stream().map(TopLogprob::token).toList(), h2.top().stream().map(TopLogprob::token).toList());
    assertEquals(d2.restMass(), h2.restMass(), 1e-12);
  }

  @Test
  void scoreThroughEcho() throws Exception {
    OpenAiServer s = start();
    OpenAiEngine c = client(s);
    for (String[] cc : new String[][] {{"The cat", " sat on the mat"}, {"Answer:", " yes"}, {"été à", " Paris ñ"}}) {
      List<TokenScore> direct = engine.score(cc[0], cc[1]);
      List<TokenScore> viaHttp = c.score(cc[0], cc[1]);
      assertEquals(direct.size(), viaHttp.size(), String.join("|", cc));
      for (int i = 0; i < direct.size(); i++) {
        assertEquals(direct.get(i).token(), viaHttp.get(i).token());
        assertEquals(direct.get(i).logprob(), viaHttp.get(i).logprob(), 1e-12);
        assertEquals(direct.get(i).greedy(), viaHttp.get(i).greedy(), "greedy " + i);
      }
    }
  }

  @Test
  void scoreThroughEchoWithoutPromptScorer() throws Exception {
    Engine plain = ReverseEngine.withoutPromptScorer(engine);
    OpenAiServer s = start(plain, tok);
    List<TokenScore> direct = engine.score("The cat", " sat on the mat");
    List<TokenScore> viaHttp = client(s).score("The cat", " sat on the mat");
    assertEquals(direct.stream().map(TokenScore::token).toList(), viaHttp.stream().map(TokenScore::token).toList());
    for (int i = 0; i < direct.size(); i++) {
      assertEquals(direct.get(i).logprob(), viaHttp.get(i).logprob(), 1e-12);
      assertEquals(direct.get(i).greedy(), viaHttp.get(i).greedy());
    }
  }

  @Test
  void streamingRecordsTtftAndMatches() throws Exception {
    OpenAiServer s = start();
    CompletionRequest req = chatReq("one two three four", 10, 2);
    Completion direct = engine.complete(req);
    Completion chat = client(s, x -> x.withStream(true)).complete(req);
    assertEquals(direct.text(), chat.text());
    assertEquals(direct.finishReason(), chat.finishReason());
    assertSameTokens(direct.tokens(), chat.tokens());
    assertNotNull(chat.telemetry().ttftMs());
    assertEquals(direct.usage(), chat.usage());

    CompletionRequest text = new CompletionRequest(Prompt.text("x y z"), 2, 0, 1, null, List.of(), true, 1, null);
    Completion d2 = engine.complete(text);
    Completion c2 = client(s, x -> x.withStream(true).withEndpoint(OpenAiSettings.COMPLETIONS)).complete(text);
    assertEquals(d2.text(), c2.text());
    assertEquals("length", c2.finishReason());
    assertSameTokens(d2.tokens(), c2.tokens());
    assertNotNull(c2.telemetry().ttftMs());

    Completion noLp = client(s, x -> x.withStream(true)).complete(chatReq("a b", 5, 0));
    assertEquals(" b a", noLp.text());
    assertNotNull(noLp.telemetry().ttftMs());
  }

  @Test
  void prefillReachesTheEngineAsPrompPrefill() throws Exception {
    OpenAiServer s = start();
    Prompt p = Prompt.chat(List.of(Message.user("red green"))).withPrefill("The answer is");
    CompletionRequest req = new CompletionRequest(p, 4, 0.0, 1.0, null, List.of(), false, 0, null);
    Completion viaHttp = client(s).complete(req);
    assertEquals(" green red", viaHttp.text());
    assertEquals("The answer is", engine.last.prompt().prefill());
    assertEquals(List.of(Message.user("red green")), engine.last.prompt().messages());
    assertEquals(req, engine.last);
  }

  @Test
  void kvFieldsReachTheEngineAsKvSpec() throws Exception {
    OpenAiServer s = start();
    OpenAiEngine c = client(s, x -> x.withServerFields(Map.of("kv_budget", "{budget}", "kv_policy", "{policy}")));
    KvSpec kv = new KvSpec("streaming_llm", 0.25, Map.of(), true, null);
    c.complete(chatReq("long context here", 2, 0).withKv(kv));
    assertEquals(kv, engine.last.kv());
    c.complete(chatReq("no kv", 2, 0));
    assertNull(engine.last.kv(), "no KvSpec → no kv fields → no KvSpec on the engine side");

    // every field, raw
    Resp r = post(s, "/chat/completions", "{'messages':[{'role':'user','content':'q'}],'kv_policy':'snapkv','kv_budget':0.5,"
        + "'kv_params':{'window':32,'pooling':'maxpool','nested':{'a':[1,2]}},'kv_query_aware':false,'kv_protected_suffix':'Q?'}");
    assertEquals(200, r.status(), r.body());
    KvSpec got = engine.last.kv();
    assertEquals("snapkv", got.policy());
    assertEquals(0.5, got.budget());
    assertEquals(32, ((Number) got.params().get("window")).intValue());
    assertEquals("maxpool", got.params().get("pooling"));
    assertEquals(Map.of("a", List.of(1, 2)), got.params().get("nested"));
    assertFalse(got.queryAware());
    assertEquals("Q?", got.protectedSuffix());

    post(s, "/completions", "{'prompt':'q','kv_budget':0.2}");
    assertEquals(new KvSpec(RequestParser.DEFAULT_KV_POLICY, 0.2, Map.of(), true, null), engine.last.kv());
  }

  @Test
  void clientSurfacesServerErrors() throws Exception {
    OpenAiServer s = start();
    EngineException e = assertThrows(EngineException.class, () -> client(s).complete(chatReq("FAIL_ENGINE", 2, 0)));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(500, e.httpStatus());
    assertTrue(e.getMessage().contains("the model fell over"), e.getMessage());
    OpenAiEngine wrongModel = new OpenAiEngine(OpenAiSettings.of(s.baseUrl().toString(), "other", null).withMaxRetries(0));
    clients.add(wrongModel);
    EngineException e404 = assertThrows(EngineException.class, () -> wrongModel.complete(chatReq("x", 2, 0)));
    assertEquals(404, e404.httpStatus());
    assertEquals(List.of("m"), OpenAiEngine.fetchModels(OpenAiSettings.of(s.baseUrl().toString(), "m", null)));
  }

  @Test
  void concurrentRequests() throws Exception {
    OpenAiServer s = start();
    OpenAiEngine c = client(s, x -> x.withConcurrency(8));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> fs = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        int n = i;
        fs.add(pool.submit(() -> c.complete(chatReq("w" + n + " v" + n, 5, 1)).text()));
      }
      for (int i = 0; i < 32; i++) assertEquals(" v" + i + " w" + i, fs.get(i).get());
    } finally {
      pool.shutdownNow();
    }
  }
}
