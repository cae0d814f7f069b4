package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.Prompt;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 1: a request written on a pooled connection the server already closed (no response byte came back) is
 * re-sent at once on a fresh connection and is not counted as an attempt. Servers: {@link RawHttpServer} on loopback.
 * Before the fix (retryOnConnectionFailure(false), every such failure counted), the close-after-response server cost
 * 19-20 attempts for 10 units with max_retries 3, and lost about half of them with max_retries 0.
 */
class StaleConnectionTest {
  static final String OK_BODY = "{\"id\":\"r\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
      + "\"finish_reason\":\"stop\"}]}";
  static final String RATE_BODY = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}";

  static CompletionRequest req() { return new CompletionRequest(Prompt.text("x"), 4, 0.0, 1.0, null, List.of(), false, 0, null); }

  static OpenAiEngine engine(String base, int maxRetries, Sleeper sleeper) {
    OpenAiSettings s = OpenAiSettings.of(base, "m", null).withMaxRetries(maxRetries).withConcurrency(1).withTimeoutSeconds(10);
    return new OpenAiEngine(s, sleeper, Clock.systemUTC(), System::nanoTime, null);
  }

  /** Runs {@code units} sequential completions; returns {answered, lost, attempts summed over answered units}. */
  static int[] run(OpenAiEngine e, int units) {
    int answered = 0;
    int lost = 0;
    int attempts = 0;
    for (int i = 0; i < units; i++) {
      try {
        Completion c = e.complete(req());
        assertEquals("hi", c.text());
        answered++;
        attempts += c.telemetry().attempts();
      } catch (EngineException ex) {
        lost++;
      }
    }
    return new int[] {answered, lost, attempts};
  }

  @Test
  void closeAfterResponseServerCostsOneAttemptPerUnit() throws Exception {
    try (RawHttpServer srv = new RawHttpServer(RawHttpServer.Mode.CLOSE_AFTER_RESPONSE, 0,
        n -> RawHttpServer.json(200, "OK", "", OK_BODY, "HTTP/1.0")); OpenAiEngine e = engine(srv.baseUrl(), 3, new RecordingSleeper())) {
      int[] r = run(e, 10);
      assertEquals(10, r[0], "answered");
      assertEquals(10, r[2], "attempts: one per unit");
      assertEquals(10, srv.requests.get(), "requests the server read");
    }
  }

  @Test
  void closeAfterResponseServerLosesNothingWithoutRetries() throws Exception {
    try (RawHttpServer srv = new RawHttpServer(RawHttpServer.Mode.CLOSE_AFTER_RESPONSE, 0,
        n -> RawHttpServer.json(200, "OK", "", OK_BODY, "HTTP/1.0")); OpenAiEngine e = engine(srv.baseUrl(), 0, new RecordingSleeper())) {
      int[] r = run(e, 10);
      assertEquals(0, r[1], "lost");
      assertEquals(10, r[2], "attempts");
    }
  }

  /** uvicorn-style idle close (scaled 5 s → 300 ms) shorter than the Retry-After (0.5 s): 429 then 200. */
  @Test
  void idleCloseShorterThanRetryAfterLosesNothing() throws Exception {
    try (RawHttpServer srv = new RawHttpServer(RawHttpServer.Mode.KEEP_ALIVE, 300,
        n -> n % 2 == 0 ? RawHttpServer.json(429, "Too Many Requests", "Retry-After: 0.5\r\n", RATE_BODY, "HTTP/1.1")
            : RawHttpServer.json(200, "OK", "", OK_BODY, "HTTP/1.1"));
        OpenAiEngine e = engine(srv.baseUrl(), 1, Sleeper.REAL)) {
      int[] r = run(e, 3);
      assertEquals(0, r[1], "lost");
      assertEquals(6, r[2], "attempts: the 429 and the answer, per unit");
      assertEquals(6, srv.requests.get());
    }
  }

  @Test
  void persistent429IsReportedAsRateLimitedNotAConnectionError() throws Exception {
    try (RawHttpServer srv = new RawHttpServer(RawHttpServer.Mode.KEEP_ALIVE, 300,
        n -> RawHttpServer.json(429, "Too Many Requests", "Retry-After: 0.5\r\n", RATE_BODY, "HTTP/1.1"));
        OpenAiEngine e = engine(srv.baseUrl(), 1, Sleeper.REAL)) {
      EngineException ex = assertThrows(EngineException.class, () -> e.complete(req()));
      assertEquals(ErrorKind.RATE_LIMITED, ex.kind(), ex.getMessage());
      assertEquals(2, ex.attempts());
      assertEquals(429, ex.httpStatus());
    }
  }
}
