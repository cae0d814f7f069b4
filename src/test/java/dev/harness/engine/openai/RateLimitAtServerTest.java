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
 * Issue 14 item 2, checked against what the server saw: the arrival times the server records (its own
 * {@code System.nanoTime} when a request has been read in full) and the permits the limiter granted (the clock reading
 * inside its decision, {@link RateLimiter#observed}). Two exact properties, no timing tolerance, so a loaded machine
 * cannot make them flaky:
 * <ul>
 *   <li>the permits obey the limit over every window (the limiter's own guarantee), and
 *   <li>every request the server read was preceded by a permit of its own: with arrivals a₁ ≤ … ≤ aₘ and grants
 *       p₁ ≤ … ≤ pₙ, m ≤ n and p_k ≤ a_k for every k (each arrival can be matched to a distinct earlier permit).
 * </ul>
 * Together they put the limit on the wire: requests reach the server no faster than permits are granted, up to
 * delivery delay. Every request the server reads counts: first attempts, retries after 429/503, and re-sends of
 * requests that died on a reused connection after the server had read them ({@link RawHttpServer.Mode#DROP_REUSED}).
 *
 * <p>Before the fix these re-sends took no permit ("the server never read them"), so the server read more requests
 * than were granted: {@link #resendsOfReadRequestsTakePermits} fails on that code. And there was no token bucket:
 * the only limit, {@code max_rpm}, let a whole minute's quota out at once (60 requests in 2.5 s).
 */
class RateLimitAtServerTest {
  private static final Sleeper NO_BACKOFF = d -> {}; // retries go straight back to the limiter: the worst case for it

  @Test
  void serverNeverSeesMoreThanTheLimitInAWindow() throws Exception {
    Seen seen = run(RawHttpServer.Mode.KEEP_ALIVE, n -> ok(), 8, 16, 0,
        new RateLimiter(4, Duration.ofMillis(400), System::nanoTime, Sleeper.REAL));
    assertEquals(16, seen.arrivals.size());
    assertSlidingWindow(seen.grants, 4, Duration.ofMillis(400).toNanos());
    assertEveryArrivalHadAPermit(seen);
  }

  @Test
  void resendsOfReadRequestsTakePermits() throws Exception {
    Seen seen = run(RawHttpServer.Mode.DROP_REUSED, n -> ok(), 8, 10, 0,
        new RateLimiter(4, Duration.ofMillis(600), System::nanoTime, Sleeper.REAL));
    assertTrue(seen.arrivals.size() > 10, "the server read some requests twice (dropped, then re-sent): " + seen.arrivals.size());
    assertSlidingWindow(seen.grants, 4, Duration.ofMillis(600).toNanos());
    assertEveryArrivalHadAPermit(seen);
  }

  @Test
  void tokenBucketBoundsEveryWindow() throws Exception {
    double rate = 25;
    int burst = 3;
    // every 3rd request gets 429 (Retry-After: 0), every 5th 503; some connections die after reading a request
    IntFunction<String> respond = n -> n % 3 == 1 ? RawHttpServer.json(429, "Too Many Requests", "Retry-After: 0\r\n", "{}", "HTTP/1.1")
        : n % 5 == 2 ? RawHttpServer.json(503, "Service Unavailable", "", "{}", "HTTP/1.1") : ok();
    Seen seen = run(RawHttpServer.Mode.DROP_REUSED, respond, 8, 30, 20, // retries enough that no unit runs out (~47% of answers fail)
        RateLimiter.tokenBucket(rate, burst, System::nanoTime, Sleeper.REAL));
    assertTrue(seen.arrivals.size() > 40, "retries and re-sends reached the server: " + seen.arrivals.size());
    List<Long> p = seen.grants;
    // over any [p_i, p_j]: at most rate × (p_j − p_i) + burst permits (a bucket starting full)
    for (int i = 0; i < p.size(); i++) {
      for (int j = i; j < p.size(); j++) {
        double bound = rate * (p.get(j) - p.get(i)) / 1e9 + burst + 1e-9;
        int n = j - i + 1;
        assertTrue(n <= bound, n + " permits in " + (p.get(j) - p.get(i)) / 1e6 + " ms; bound " + bound);
      }
    }
    // and the bucket does space them: the whole run cannot be faster than (n − burst) / rate
    assertTrue(p.get(p.size() - 1) - p.get(0) >= (p.size() - burst) / rate * 1e9 - 1e6);
    assertEveryArrivalHadAPermit(seen);
  }

  /** A run's server arrivals and limiter grants, each sorted (one clock: this JVM's nanoTime). */
  private record Seen(List<Long> arrivals, List<Long> grants) {}

  private static String ok() { return RawHttpServer.json(200, "OK", "", StaleConnectionTest.OK_BODY, "HTTP/1.1"); }

  /** {@code units} calls through one caller; returns what the server read and what the limiter granted. All calls must succeed. */
  private static Seen run(RawHttpServer.Mode mode, IntFunction<String> respond, int concurrency, int units, int retries,
      RateLimiter limiter) throws Exception {
    List<Long> grants = java.util.Collections.synchronizedList(new ArrayList<>());
    RateLimiter observed = limiter.observed(grants::add);
    try (RawHttpServer srv = new RawHttpServer(mode, 5000, respond)) {
      OpenAiSettings s = OpenAiSettings.of(srv.baseUrl(), "m", null).withConcurrency(concurrency).withMaxRetries(retries);
      OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
      // warm-up outside the limiter on its own client and server (class loading on a cold JVM)
      try (RawHttpServer warm = new RawHttpServer(RawHttpServer.Mode.KEEP_ALIVE, 5000, n -> ok());
          okhttp3.Response r = new OkHttpClient().newCall(new okhttp3.Request.Builder().url(warm.baseUrl() + "/models").build()).execute()) {
        assertEquals(200, r.code());
      }
      HttpCaller caller = new HttpCaller(http, new ObjectMapper(), s, new Backoff(0, Clock.systemUTC()), NO_BACKOFF, observed, System::nanoTime);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<HttpCaller.Exchange>> fs = new ArrayList<>();
      for (int i = 0; i < units; i++) fs.add(pool.submit(() -> caller.post("/chat/completions", new ObjectMapper().createObjectNode(), null, false)));
      for (Future<HttpCaller.Exchange> f : fs) assertTrue(f.get().attempts() >= 1);
      pool.shutdown();
      http.dispatcher().executorService().shutdown();
      List<Long> t = new ArrayList<>(srv.arrivals);
      t.sort(null);
      List<Long> g = new ArrayList<>(grants);
      g.sort(null);
      return new Seen(t, g);
    }
  }

  /** No sliding window of {@code windowNs} holds more than {@code max} grants. */
  private static void assertSlidingWindow(List<Long> t, int max, long windowNs) {
    for (int i = 0; i < t.size(); i++) {
      int inWindow = 0;
      for (long x : t) if (x >= t.get(i) && x - t.get(i) < windowNs) inWindow++;
      assertTrue(inWindow <= max, "permits in a window from #" + i + ": " + inWindow + " > " + max);
    }
  }

  /** Each arrival matched to a distinct permit granted before it (sorted pairing is a perfect matching iff it exists). */
  private static void assertEveryArrivalHadAPermit(Seen seen) {
    assertTrue(seen.arrivals.size() <= seen.grants.size(),
        "the server read " + seen.arrivals.size() + " requests but only " + seen.grants.size() + " permits were granted");
    for (int k = 0; k < seen.arrivals.size(); k++) {
      assertTrue(seen.grants.get(k) <= seen.arrivals.get(k),
          "arrival #" + k + " at " + seen.arrivals.get(k) + " precedes the " + (k + 1) + "th permit at " + seen.grants.get(k));
    }
  }
}
