package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.Capability;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class OpenAiEngineRoutingTest extends EngineTestBase {
  private static final CompletionRequest REQ = CompletionRequest.greedy(Prompt.text("question"), 4);

  @Test
  void serverFieldsAreTemplatedFromTheBudget() throws Exception {
    server.enqueue(ok(chatText("a", "stop")));
    server.enqueue(ok(chatText("b", "stop")));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("max_cache_tokens", "{budget_tokens}");
    fields.put("kv_budget", "{budget}");
    fields.put("label", "{policy}@{budget}");
    OpenAiEngine e = engine(settings().withServerFields(fields).withContextTokens(1000));
    // prompt_tokens known: ceil(0.25 × 401) = 101
    Completion c = e.complete(REQ.withKv(new KvSpec("snapkv", 0.25, Map.of("prompt_tokens", 401), true, null)));
    assertEquals(101, c.telemetry().extra().get("budget_tokens"));
    JsonNode b = body(server.takeRequest());
    assertTrue(b.get("max_cache_tokens").isIntegralNumber());
    assertEquals(101, b.get("max_cache_tokens").asInt());
    assertTrue(b.get("kv_budget").isNumber());
    assertEquals(0.25, b.get("kv_budget").asDouble());
    assertEquals("snapkv@0.25", b.get("label").asText());
    // unknown prompt length: budget × context_tokens = 0.5 × 1000 = 500
    e.complete(REQ.withKv(new KvSpec("snapkv", 0.5, Map.of(), true, null)));
    assertEquals(500, body(server.takeRequest()).get("max_cache_tokens").asInt());
    assertTrue(e.info().can(Capability.KV_COMPRESSION));
  }

  @Test
  void noKvFieldsWithoutAKvSpec() throws Exception {
    server.enqueue(ok(chatText("a", "stop")));
    engine(settings().withServerFields(Map.of("max_cache_tokens", "{budget_tokens}"))).complete(REQ);
    assertFalse(body(server.takeRequest()).has("max_cache_tokens"));
  }

  @Test
  void budgetWithoutKvConfigurationIsEngineErrorAndSendsNothing() {
    OpenAiEngine e = engine(settings());
    EngineException ex = assertThrows(EngineException.class,
        () -> e.complete(REQ.withKv(new KvSpec("snapkv", 0.2, Map.of(), true, null))));
    assertEquals(ErrorKind.ENGINE_ERROR, ex.kind());
    assertTrue(ex.getMessage().contains("no kv.server_fields or kv.base_urls configured"));
    assertEquals(0, server.getRequestCount());
    assertFalse(e.info().can(Capability.KV_COMPRESSION));
  }

  @Test
  void budgetBaseUrlsRouteToTheirServer() throws Exception {
    MockWebServer half = another();
    half.enqueue(ok(chatText("from-half", "stop")));
    server.enqueue(ok(chatText("from-default", "stop")));
    OpenAiEngine e = engine(settings().withBudgetBaseUrls(Map.of(0.5, base(half))));
    assertEquals("from-half", e.complete(REQ.withKv(new KvSpec("snapkv", 0.5, Map.of(), true, null))).text());
    assertEquals("from-default", e.complete(REQ.withKv(KvSpec.full())).text());
    assertEquals(1, half.getRequestCount());
    assertEquals(1, server.getRequestCount());
    assertEquals("/v1/chat/completions", half.takeRequest().getUrl().encodedPath());
    // a budget with no URL and no server fields
    assertThrows(EngineException.class, () -> e.complete(REQ.withKv(new KvSpec("snapkv", 0.2, Map.of(), true, null))));
  }

  @Test
  void replicasShareTheLoad() throws Exception {
    MockWebServer second = another();
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok(chatText("one", "stop")));
      second.enqueue(ok(chatText("two", "stop")));
    }
    OpenAiEngine e = engine(settings().withBaseUrls(List.of(base(server), base(second))));
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 6; i++) texts.add(e.complete(REQ).text());
    assertEquals(List.of("one", "two", "one", "two", "one", "two"), texts);
    assertEquals(3, server.getRequestCount());
    assertEquals(3, second.getRequestCount());
    assertTrue(e.info().details().get("hosts").contains(":" + second.getPort()));
  }

  @Test
  void concurrencyLimitIsNeverExceeded() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        int now = inFlight.incrementAndGet();
        maxSeen.accumulateAndGet(now, Math::max);
        Thread.sleep(60);
        inFlight.decrementAndGet();
        return ok(chatText("x", "stop"));
      }
    });
    OpenAiEngine e = engine(settings().withConcurrency(2));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Completion>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) fs.add(pool.submit(() -> e.complete(REQ)));
      for (Future<Completion> f : fs) assertEquals("x", f.get().text());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8, server.getRequestCount());
    assertTrue(maxSeen.get() <= 2, "max in flight " + maxSeen.get());
    assertEquals(2, maxSeen.get(), "eight threads should fill both permits");
  }
}
