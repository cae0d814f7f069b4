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
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 2, window scaled down (60 s → 400 ms, max 4): with concurrency 8 and 16 callers, the arrivals the
 * server records never hold more than the limit in any window (less a 40 ms allowance for loopback delivery jitter).
 */
class RateLimitAtServerTest {
  @Test
  void serverNeverSeesMoreThanTheLimitInAWindow() throws Exception {
    long windowNs = Duration.ofMillis(400).toNanos();
    try (RawHttpServer srv = new RawHttpServer(RawHttpServer.Mode.KEEP_ALIVE, 5000,
        n -> RawHttpServer.json(200, "OK", "", StaleConnectionTest.OK_BODY, "HTTP/1.1"))) {
      OpenAiSettings s = OpenAiSettings.of(srv.baseUrl(), "m", null).withConcurrency(8).withMaxRetries(0);
      OkHttpClient http = new OkHttpClient.Builder().build();
      // warm-up outside the limiter: OkHttp's first call (class loading, TLS-less setup) takes long enough on a cold JVM
      // to push the first permits' arrivals into the next window
      try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(srv.baseUrl() + "/models").build()).execute()) {
        assertEquals(200, r.code());
      }
      srv.arrivals.clear();
      RateLimiter limiter = new RateLimiter(4, Duration.ofNanos(windowNs), System::nanoTime, Sleeper.REAL);
      HttpCaller caller = new HttpCaller(http, new ObjectMapper(), s, new Backoff(0, Clock.systemUTC()), Sleeper.REAL, limiter, System::nanoTime);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<HttpCaller.Exchange>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) fs.add(pool.submit(() -> caller.post("/chat/completions", new ObjectMapper().createObjectNode(), null, false)));
      for (Future<HttpCaller.Exchange> f : fs) assertEquals(1, f.get().attempts());
      pool.shutdown();
      http.dispatcher().executorService().shutdown();
      List<Long> t = new ArrayList<>(srv.arrivals);
      t.sort(null);
      assertEquals(16, t.size());
      long span = windowNs - Duration.ofMillis(40).toNanos();
      for (int i = 0; i < t.size(); i++) {
        int inWindow = 0;
        for (long x : t) if (x >= t.get(i) && x - t.get(i) < span) inWindow++;
        assertTrue(inWindow <= 4, "arrivals in a window from #" + i + ": " + inWindow);
      }
    }
  }
}
