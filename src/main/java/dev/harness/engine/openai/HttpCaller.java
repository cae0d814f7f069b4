package dev.harness.engine.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Sends one JSON POST with everything around it: the concurrency semaphore (held only while the HTTP call runs, not
 * during backoff), the client-side rate limit (a permit per request put on the wire, taken right before each send,
 * retries and uncounted re-sends included, while the concurrency permit is held), replica choice and cool-down, uncounted re-sends of requests that died on a
 * stale pooled connection, retries with {@link Backoff}, and the final {@link EngineException} (its kind: the most
 * informative failure of the call, see {@link #moreInformative}). Thread-safe.
 */
public final class HttpCaller {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  /** Uncounted re-sends per attempt (stale pooled connections, refused replicas). */
  static final int MAX_FREE_RESENDS = 4;

  /** One HTTP attempt: either a body ({@code json}, or {@code streamed} when streaming) or a {@code failure}. */
  public record Attempt(Integer status, JsonNode json, ParsedResponse streamed, Double ttftMs, double latencyMs, HttpFailure failure) {}

  /**
   * A successful call: its last attempt, how many attempts, and where the time went (ms): backoff sleeps, client-side
   * rate-limit waits, waits for a concurrency permit, and the whole call.
   */
  public record Exchange(Attempt last, int attempts, double totalMs, double retryWaitMs, double rateLimitWaitMs, double queueMs,
      String replica) {}

  private final OkHttpClient http;
  private final ObjectMapper json;
  private final OpenAiSettings settings;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final RateLimiter limiter;
  private final LongSupplier nanos;
  private final Semaphore permits;
  private final ReplicaBalancer defaultReplicas;
  private final Map<List<String>, ReplicaBalancer> otherReplicas = new ConcurrentHashMap<>();
  private final AtomicInteger staleResends = new AtomicInteger();

  public HttpCaller(OkHttpClient http, ObjectMapper json, OpenAiSettings settings, Backoff backoff, Sleeper sleeper,
      RateLimiter limiter, LongSupplier nanos) {
    this.http = http.newBuilder().eventListenerFactory(ConnectionTrace.FACTORY).build(); // shares pool and dispatcher
    this.json = json;
    this.settings = settings;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.limiter = limiter;
    this.nanos = nanos;
    this.permits = new Semaphore(settings.concurrency(), true);
    this.defaultReplicas = new ReplicaBalancer(settings.baseUrls(), nanos, ReplicaBalancer.COOLDOWN);
  }

  /**
   * POSTs {@code body} to {@code <base url><path>} on one of {@code baseUrls} (null = the configured replicas).
   *
   * @throws EngineException after the last retry, or at once for a non-retryable failure
   */
  public Exchange post(String path, ObjectNode body, List<String> baseUrls, boolean stream) {
    ReplicaBalancer replicas = baseUrls == null ? defaultReplicas : otherReplicas.computeIfAbsent(List.copyOf(baseUrls),
        u -> new ReplicaBalancer(u, nanos, ReplicaBalancer.COOLDOWN));
    byte[] payload;
    try {
      payload = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise request body", e);
    }
    long start = nanos.getAsLong();
    double waitedMs = 0;
    double limitedMs = 0;
    double queuedMs = 0;
    int maxAttempts = settings.maxRetries() + 1;
    HttpFailure worst = null;
    for (int attempt = 1; ; attempt++) {
      Attempt a;
      String replica;
      try {
        long q0 = nanos.getAsLong();
        permits.acquire();
        queuedMs += (nanos.getAsLong() - q0) / 1e6;
        try {
          Sent s = sendToReplica(replicas, path, payload, stream);
          a = s.attempt();
          replica = s.replica();
          limitedMs += s.rateLimitWaitMs();
        } finally {
          permits.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException(ErrorKind.ENGINE_ERROR, null, attempt, "interrupted while waiting to send the request", e);
      }
      if (a.failure() == null) {
        return new Exchange(a, attempt, (nanos.getAsLong() - start) / 1e6, waitedMs, limitedMs, queuedMs, replica);
      }
      HttpFailure f = a.failure();
      if (!f.retryable()) throw exception(f, attempt, replica);
      worst = moreInformative(worst, f);
      if (attempt >= maxAttempts) throw exception(worst, attempt, replica, f);
      Duration wait = backoff.delay(attempt - 1, f.retryAfter());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw exception(worst, attempt, replica, f);
      }
      waitedMs += wait.toNanos() / 1e6;
    }
  }

  private record Sent(Attempt attempt, String replica, double rateLimitWaitMs) {}

  /**
   * One counted attempt. Re-sent at once, uncounted: a request that died on a stale pooled connection (see
   * {@link ConnectionTrace#stale}; the idle pool is evicted first, at most {@link #MAX_FREE_RESENDS} times), and a
   * request whose replica refused the connection while another replica is in rotation (that replica is marked down).
   * A replica that refuses or times out is marked down; one that answers is marked up.
   *
   * <p>Every send, counted or not, first takes a rate-limit permit, in this thread, right before the request goes on
   * the wire (not while waiting for a replica lease): a dead pooled connection may have carried the request to a
   * server that read it before dying, so a re-send is a request the server may see again.
   */
  private Sent sendToReplica(ReplicaBalancer replicas, String path, byte[] payload, boolean stream) throws InterruptedException {
    double limitedMs = 0;
    for (int free = 0; ; free++) {
      if (limiter != null) limitedMs += limiter.acquire().toNanos() / 1e6;
      try (ReplicaBalancer.Lease lease = replicas.acquire()) {
        HttpUrl url = HttpUrl.get(lease.url() + path);
        String replica = url.host() + ":" + url.port();
        ConnectionTrace trace = new ConnectionTrace();
        Attempt a = send(url, payload, stream, trace);
        HttpFailure f = a.failure();
        if (f == null || f.status() != null) {
          lease.markUp();
          return new Sent(a, replica, limitedMs);
        }
        boolean refused = f.cause() instanceof ConnectException || f.cause() instanceof NoRouteToHostException;
        if (refused || f.kind() == ErrorKind.TIMEOUT) lease.markDown();
        if (free >= MAX_FREE_RESENDS) return new Sent(a, replica, limitedMs);
        if (trace.stale(f)) {
          http.connectionPool().evictAll(); // its idle siblings are likely dead too
          staleResends.incrementAndGet();
          continue;
        }
        if (refused && replicas.available() > 0) continue;
        return new Sent(a, replica, limitedMs);
      }
    }
  }

  /** Requests re-sent because their pooled connection was dead (not counted as attempts). */
  public int staleResends() { return staleResends.get(); }

  /**
   * Of two retryable failures of one call, the one worth reporting: RATE_LIMITED > TIMEOUT > an HTTP error status
   * (5xx) > a connection error without status; ties go to the later one.
   */
  static HttpFailure moreInformative(HttpFailure earlier, HttpFailure later) {
    if (earlier == null) return later;
    return rank(earlier) > rank(later) ? earlier : later;
  }

  private static int rank(HttpFailure f) {
    if (f.kind() == ErrorKind.RATE_LIMITED) return 3;
    if (f.kind() == ErrorKind.TIMEOUT) return 2;
    return f.status() != null ? 1 : 0;
  }

  private EngineException exception(HttpFailure reported, int attempts, String replica, HttpFailure last) {
    if (reported == last) return exception(last, attempts, replica);
    EngineException e = exception(reported, attempts, replica);
    return new EngineException(e.kind(), e.httpStatus(), attempts, e.getMessage() + redact(" (last attempt: " + last.message() + ")"),
        last.cause());
  }

  private EngineException exception(HttpFailure f, int attempts, String replica) {
    String msg = f.kind() + ": " + (f.status() == null ? "no HTTP status" : "HTTP " + f.status()) + " from " + replica
        + " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + ": " + f.message();
    return new EngineException(f.kind(), f.status(), attempts, redact(msg), f.cause());
  }

  /** Removes the API key from any text that could end up in a message (servers sometimes echo it). */
  String redact(String s) {
    return settings.hasApiKey() && s != null ? s.replace(settings.apiKey(), "***") : s;
  }

  private Attempt send(HttpUrl url, byte[] payload, boolean stream, ConnectionTrace trace) {
    Request.Builder rb = new Request.Builder().url(url).post(RequestBody.create(payload, JSON_TYPE)).tag(ConnectionTrace.class, trace);
    if (settings.hasApiKey()) rb.header("Authorization", "Bearer " + settings.apiKey());
    if (stream) rb.header("Accept", "text/event-stream");
    long t0 = nanos.getAsLong();
    Integer status = null;
    try (Response resp = http.newCall(rb.build()).execute()) {
      status = resp.code();
      ResponseBody body = resp.body();
      if (!resp.isSuccessful()) {
        String text = body.string();
        Optional<Duration> ra = backoff.parseRetryAfter(resp.header("Retry-After"), resp.header("retry-after-ms"));
        return failed(status, t0, HttpFailure.fromStatus(status, text, ra));
      }
      MediaType type = body.contentType();
      boolean sse = stream && type != null && "event-stream".equals(type.subtype());
      if (sse) return readStream(status, body.source(), t0);
      String text = body.string();
      JsonNode n;
      try {
        n = json.readTree(text);
      } catch (JsonProcessingException e) {
        return failed(status, t0, HttpFailure.malformed(status, text, e));
      }
      if (n == null || !n.isObject()) return failed(status, t0, HttpFailure.malformed(status, text, new IllegalArgumentException("not a JSON object")));
      if (n.has("error") && !n.has("choices")) return failed(status, t0, HttpFailure.fromErrorObject(status, n));
      if (!n.path("choices").isArray()) return failed(status, t0, HttpFailure.malformed(status, text, new IllegalArgumentException("no choices")));
      if (stream) return new Attempt(status, n, ResponseParser.parse(n), null, ms(t0), null); // server ignored stream
      return new Attempt(status, n, null, null, ms(t0), null);
    } catch (IOException e) {
      return failed(status, t0, HttpFailure.fromIo(e, status));
    }
  }

  private Attempt readStream(int status, BufferedSource src, long t0) throws IOException {
    StreamAccumulator acc = new StreamAccumulator();
    Double ttft = null;
    String line;
    while ((line = src.readUtf8Line()) != null) {
      if (!line.startsWith("data:")) continue; // comments, event:, id:, blank separators
      String data = line.substring(5).strip();
      if (data.equals("[DONE]")) break;
      if (data.isEmpty()) continue;
      JsonNode chunk;
      try {
        chunk = json.readTree(data);
      } catch (JsonProcessingException e) {
        return failed(status, t0, HttpFailure.malformed(status, data, e));
      }
      if (chunk.has("error") && !chunk.has("choices")) return failed(status, t0, HttpFailure.fromErrorObject(status, chunk));
      if (acc.accept(chunk) && ttft == null) ttft = ms(t0);
    }
    return new Attempt(status, null, acc.result(), ttft, ms(t0), null);
  }

  private Attempt failed(Integer status, long t0, HttpFailure f) { return new Attempt(status, null, null, null, ms(t0), f); }

  private double ms(long t0) { return (nanos.getAsLong() - t0) / 1e6; }
}
