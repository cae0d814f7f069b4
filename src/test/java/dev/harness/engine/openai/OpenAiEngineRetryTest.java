package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.Prompt;
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

class OpenAiEngineRetryTest extends EngineTestBase {
  private static final CompletionRequest REQ = CompletionRequest.greedy(Prompt.text("hi"), 4);

  @Test
  void retryAfterOn429IsHonouredThenSuccess() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
        .body(q("{'error':{'message':'Rate limit reached','type':'requests'}}")).build());
    server.enqueue(ok(chatText("ok", "stop")));
    Completion c = engine(settings()).complete(REQ);
    assertEquals("ok", c.text());
    assertEquals(2, c.telemetry().attempts());
    assertEquals(200, c.telemetry().httpStatus());
    assertEquals(List.of(Duration.ofSeconds(1)), sleeper.waits);
    assertEquals(1000.0, (Double) c.telemetry().extra().get("retry_wait_ms"), 1e-9);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void persistent429IsRateLimitedAfterAllAttempts() {
    for (int i = 0; i < 3; i++) server.enqueue(status(429, "{'error':{'message':'Too many requests, slow down'}}"));
    EngineException e = assertThrows(EngineException.class, () -> engine(settings().withMaxRetries(2)).complete(REQ));
    assertEquals(ErrorKind.RATE_LIMITED, e.kind());
    assertEquals(429, e.httpStatus());
    assertEquals(3, e.attempts());
    assertEquals(3, server.getRequestCount());
    assertTrue(e.getMessage().contains("Too many requests, slow down"), e.getMessage());
    // no Retry-After: full jitter within base × 2^n
    assertEquals(2, sleeper.waits.size());
    assertTrue(sleeper.waits.get(0).toMillis() <= 500);
    assertTrue(sleeper.waits.get(1).toMillis() <= 1000);
  }

  @Test
  void rateLimitMessageIn4xxIsRateLimited() {
    server.enqueue(status(403, "{'error':{'message':'Rate limit exceeded for free tier'}}"));
    EngineException e = assertThrows(EngineException.class, () -> engine(settings().withMaxRetries(0)).complete(REQ));
    assertEquals(ErrorKind.RATE_LIMITED, e.kind());
    assertEquals(403, e.httpStatus());
  }

  @Test
  void serverErrorThenSuccess() {
    server.enqueue(status(500, "{'error':{'message':'boom'}}"));
    server.enqueue(ok(chatText("fine", "stop")));
    Completion c = engine(settings()).complete(REQ);
    assertEquals("fine", c.text());
    assertEquals(2, c.telemetry().attempts());
    assertEquals(1, sleeper.waits.size());
    assertTrue(sleeper.waits.get(0).toMillis() <= 500);
  }

  @Test
  void persistent503IsEngineErrorWithServerMessage() {
    for (int i = 0; i < 2; i++) server.enqueue(status(503, "upstream unavailable"));
    EngineException e = assertThrows(EngineException.class, () -> engine(settings().withMaxRetries(1)).complete(REQ));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(503, e.httpStatus());
    assertEquals(2, e.attempts());
    assertTrue(e.getMessage().contains("upstream unavailable"));
  }

  @Test
  void slowServerTimesOutAndIsRetried() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body(q(chatText("late", "stop"))).build());
    }
    EngineException e = assertThrows(EngineException.class,
        () -> engine(settings().withTimeoutSeconds(0.3).withMaxRetries(1)).complete(REQ));
    assertEquals(ErrorKind.TIMEOUT, e.kind());
    assertEquals(2, e.attempts());
    assertNull(e.httpStatus());
  }

  @Test
  void slowBodyTimesOut() {
    server.enqueue(new MockResponse.Builder().bodyDelay(3, TimeUnit.SECONDS).body(q(chatText("late", "stop"))).build());
    EngineException e = assertThrows(EngineException.class,
        () -> engine(settings().withTimeoutSeconds(0.3).withMaxRetries(0)).complete(REQ));
    assertEquals(ErrorKind.TIMEOUT, e.kind());
    assertEquals(1, e.attempts());
  }

  @Test
  void malformedJsonIsEngineErrorWithoutRetry() {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"choices\": [ {\"message\": ").build());
    EngineException e = assertThrows(EngineException.class, () -> engine(settings()).complete(REQ));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(200, e.httpStatus());
    assertEquals(1, e.attempts());
    assertTrue(e.getMessage().contains("malformed"), e.getMessage());
  }

  @Test
  void badRequestIsNotRetried() {
    server.enqueue(status(400, "{'error':{'message':'max_tokens is too large: 99999','type':'invalid_request_error'}}"));
    server.enqueue(ok(chatText("never", "stop")));
    EngineException e = assertThrows(EngineException.class, () -> engine(settings()).complete(REQ));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(400, e.httpStatus());
    assertEquals(1, e.attempts());
    assertEquals(1, server.getRequestCount());
    assertTrue(e.getMessage().contains("max_tokens is too large: 99999"));
    assertTrue(sleeper.waits.isEmpty());
  }

  @Test
  void connectionRefusedIsRetriedEngineError() throws Exception {
    MockWebServer dead = new MockWebServer();
    dead.start();
    String url = base(dead);
    dead.close();
    OpenAiSettings s = OpenAiSettings.of(url, "m", KEY).withMaxRetries(1);
    EngineException e = assertThrows(EngineException.class, () -> engine(s).complete(REQ));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertEquals(2, e.attempts());
    assertNull(e.httpStatus());
  }

  @Test
  void clientSideRateLimitWaitsThroughTheSleeper() {
    for (int i = 0; i < 3; i++) server.enqueue(ok(chatText("x", "stop")));
    AtomicLong now = new AtomicLong(0);
    RecordingSleeper fake = new RecordingSleeper(now);
    OpenAiEngine e = new OpenAiEngine(settings().withMaxRpm(2), fake, Clock.systemUTC(), now::get, null);
    engines.add(e);
    e.complete(REQ);
    e.complete(REQ);
    assertTrue(fake.waits.isEmpty());
    Completion third = e.complete(REQ);
    assertEquals(List.of(Duration.ofSeconds(60)), fake.waits);
    assertEquals(60_000.0, (Double) third.telemetry().extra().get("rate_limit_wait_ms"), 1e-9);
    assertEquals(0.0, (Double) third.telemetry().extra().get("retry_wait_ms"), 1e-9);
  }
}
