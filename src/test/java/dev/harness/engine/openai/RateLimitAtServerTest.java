package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 2, measured where it matters: the arrival times the server records (its own {@code System.nanoTime}
 * when a request has been read in full), never the client's permit times. Windows are scaled down from 60 s. Every
 * request the server reads counts: first attempts, retries after 429/503, and re-sends of requests that died on a
 * reused connection after the server had read them ({@link RawHttpServer.Mode#DROP_REUSED}).
 *
 * <p>Before the fix these re-sends took no permit ("the server never read them"), so with a sliding window of 4 per
 * 600 ms the server saw up to 8 requests within a few ms: {@link #resendsOfReadRequestsTakePermits} fails on that
 * code (checked by stashing src/main). And there was no token bucket: the only limit, {@code max_rpm}, let a whole
 * minute's quota out at once (60 requests in 2.5 s), which violates the bound of {@link #tokenBucketBoundsEveryWindow}.
 */
class RateLimitAtServerTest {
  /** Loopback delivery jitter allowed between a permit and the server reading the request (a loaded 2-core box). */
  private static final long JITTER_NS = Duration.ofMillis(150).toNanos();

  private static final Sleeper NO_BACKOFF = d -> {}; // retries go straight back to the limiter: the worst case for it

  @Test
  void serverNeverSeesMoreThanTheLimitInAWindow() throws Exception {
    List<Long> t = run(RawHttpServer.Mode.KEEP_ALIVE, n -> ok(), 8, 16, 0,
        new RateLimiter(4, Duration.ofMillis(400), System::nanoTime, Sleeper.REAL));
    assertEquals(16, t.size());
    assertSlidingWindow(t, 4, Duration.ofMillis(400).toNanos(), Duration.ofMillis(40).toNanos());
  }

  @Test
  void resendsOfReadRequestsTakePermits() throws Exception {
    // 4 per 600 ms, with 200 ms allowed for delivery: each dropped connection makes a later batch connect afresh,
    // which on a loaded machine can delay one batch's arrivals by 100 ms and more. The pre-fix re-sends arrive a few
    // ms after the drop, so they still break this bound (8 in one window).
    List<Long> t = run(RawHttpServer.Mode.DROP_REUSED, n -> ok(), 8, 10, 0,
        new RateLimiter(4, Duration.ofMillis(600), System::nanoTime, Sleeper.REAL));
    assertTrue(t.size() > 10, "the server read some requests twice (dropped, then re-sent): " + t.size());
    assertSlidingWindow(t, 4, Duration.ofMillis(600).toNanos(), Duration.ofMillis(200).toNanos());
  }

  @Test
  void tokenBucketBoundsEveryWindow() throws Exception {
    double rate = 25;
    int burst = 3;
    // every 3rd request gets 429 (Retry-After: 0), every 5th 503; some connections die after reading a request
    IntFunction<String> respond = n -> n % 3 == 1 ? RawHttpServer.json(429, "Too Many Requests", "Retry-After: 0\r\n", "{}", "HTTP/1.1")
        : n % 5 == 2 ? RawHttpServer.json(503, "Service Unavailable", "", "{}", "HTTP/1.1") : ok();
    List<Long> t = run(RawHttpServer.Mode.DROP_REUSED, respond, 8, 30, 6,
        RateLimiter.tokenBucket(rate, burst, System::nanoTime, Sleeper.REAL));
    assertTrue(t.size() > 40, "retries and re-sends reached the server: " + t.size());
    // over any [t_i, t_j]: at most rate × (t_j − t_i + jitter) + burst arrivals
    for (int i = 0; i < t.size(); i++) {
      for (int j = i; j < t.size(); j++) {
        double bound = rate * (t.get(j) - t.get(i) + JITTER_NS) / 1e9 + burst;
        int seen = j - i + 1;
        assertTrue(seen <= bound, seen + " arrivals in " + (t.get(j) - t.get(i)) / 1e6 + " ms; bound " + bound);
      }
    }
    // and the bucket does space them: the whole run cannot be faster than (n − burst) / rate
    assertTrue(t.get(t.size() - 1) - t.get(0) >= (t.size() - burst - 1) / rate * 1e9 - JITTER_NS);
  }

  private static String ok() { return RawHttpServer.json(200, "OK", "", StaleConnectionTest.OK_BODY, "HTTP/1.1"); }

  /** {@code units} calls through one caller; returns the server's sorted arrival times. All calls must succeed. */
  private static List<Long> run(RawHttpServer.Mode mode, IntFunction<String> respond, int concurrency, int units, int retries,
      RateLimiter limiter) throws Exception {
    try (RawHttpServer srv = new RawHttpServer(mode, 5000, respond)) {
      OpenAiSettings s = OpenAiSettings.of(srv.baseUrl(), "m", null).withConcurrency(concurrency).withMaxRetries(retries);
      OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
      // warm-up outside the limiter on its own client: OkHttp's first call (class loading) takes long enough on a cold
      // JVM to push the first permits' arrivals into the next window
      try (RawHttpServer warm = new RawHttpServer(RawHttpServer.Mode.KEEP_ALIVE, 5000, n -> ok());
          okhttp3.Response r = new OkHttpClient().newCall(new okhttp3.Request.Builder().url(warm.baseUrl() + "/models").build()).execute()) {
        assertEquals(200, r.code());
      }
      HttpCaller caller = new HttpCaller(http, new ObjectMapper(), s, new Backoff(0, Clock.systemUTC()), NO_BACKOFF, limiter, System::nanoTime);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<HttpCaller.Exchange>> fs = new ArrayList<>();
      for (int i = 0; i < units; i++) fs.add(pool.submit(() -> caller.post("/chat/completions", new ObjectMapper().createObjectNode(), null, false)));
      for (Future<HttpCaller.Exchange> f : fs) assertTrue(f.get().attempts() >= 1);
      pool.shutdown();
      http.dispatcher().executorService().shutdown();
      List<Long> t = new ArrayList<>(srv.arrivals);
      t.sort(null);
      return t;
    }
  }

  /** No window of {@code windowNs} less {@code allowanceNs} (delivery jitter) holds more than {@code max} arrivals. */
  private static void assertSlidingWindow(List<Long> t, int max, long windowNs, long allowanceNs) {
    long span = windowNs - allowanceNs;
    for (int i = 0; i < t.size(); i++) {
      int inWindow = 0;
      for (long x : t) if (x >= t.get(i) && x - t.get(i) < span) inWindow++;
      assertTrue(inWindow <= max, "arrivals in a window from #" + i + ": " + inWindow + " > " + max);
    }
  }
}
