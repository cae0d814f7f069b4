package dev.harness.engine.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
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
 * Sends one JSON POST with everything around it: the client-side rate limit (every attempt counts), the concurrency
 * semaphore (held only while the HTTP call runs, not during backoff), replica choice, retries with {@link Backoff},
 * and the final {@link EngineException}. Thread-safe.
 */
public final class HttpCaller {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  /** One HTTP attempt: either a body ({@code json}, or {@code streamed} when streaming) or a {@code failure}. */
  public record Attempt(Integer status, JsonNode json, ParsedResponse streamed, Double ttftMs, double latencyMs, Failure failure) {}

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

  public HttpCaller(OkHttpClient http, ObjectMapper json, OpenAiSettings settings, Backoff backoff, Sleeper sleeper,
      RateLimiter limiter, LongSupplier nanos) {
    this.http = http;
    this.json = json;
    this.settings = settings;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.limiter = limiter;
    this.nanos = nanos;
    this.permits = new Semaphore(settings.concurrency(), true);
    this.defaultReplicas = new ReplicaBalancer(settings.baseUrls());
  }

  /**
   * POSTs {@code body} to {@code <base url><path>} on one of {@code baseUrls} (null = the configured replicas).
   *
   * @throws EngineException after the last retry, or at once for a non-retryable failure
   */
  public Exchange post(String path, ObjectNode body, List<String> baseUrls, boolean stream) {
    ReplicaBalancer replicas = baseUrls == null ? defaultReplicas : otherReplicas.computeIfAbsent(List.copyOf(baseUrls), ReplicaBalancer::new);
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
    for (int attempt = 1; ; attempt++) {
      Attempt a;
      String replica;
      try {
        if (limiter != null) limitedMs += limiter.acquire().toNanos() / 1e6;
        long q0 = nanos.getAsLong();
        permits.acquire();
        queuedMs += (nanos.getAsLong() - q0) / 1e6;
        try (ReplicaBalancer.Lease lease = replicas.acquire()) {
          HttpUrl url = HttpUrl.get(lease.url() + path);
          replica = url.host() + ":" + url.port();
          a = send(url, payload, stream);
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
      Failure f = a.failure();
      if (!f.retryable() || attempt >= maxAttempts) throw exception(f, attempt, replica);
      Duration wait = backoff.delay(attempt - 1, f.retryAfter());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw exception(f, attempt, replica);
      }
      waitedMs += wait.toNanos() / 1e6;
    }
  }

  private EngineException exception(Failure f, int attempts, String replica) {
    String msg = f.kind() + ": " + (f.status() == null ? "no HTTP status" : "HTTP " + f.status()) + " from " + replica
        + " after " + attempts + (attempts == 1 ? " attempt" : " attempts") + ": " + f.message();
    return new EngineException(f.kind(), f.status(), attempts, redact(msg), f.cause());
  }

  /** Removes the API key from any text that could end up in a message (servers sometimes echo it). */
  String redact(String s) {
    return settings.hasApiKey() && s != null ? s.replace(settings.apiKey(), "***") : s;
  }

  private Attempt send(HttpUrl url, byte[] payload, boolean stream) {
    Request.Builder rb = new Request.Builder().url(url).post(RequestBody.create(payload, JSON_TYPE));
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
        return failed(status, t0, Failure.fromStatus(status, text, ra));
      }
      MediaType type = body.contentType();
      boolean sse = stream && type != null && "event-stream".equals(type.subtype());
      if (sse) return readStream(status, body.source(), t0);
      String text = body.string();
      JsonNode n;
      try {
        n = json.readTree(text);
      } catch (JsonProcessingException e) {
        return failed(status, t0, Failure.malformed(status, text, e));
      }
      if (n == null || !n.isObject()) return failed(status, t0, Failure.malformed(status, text, new IllegalArgumentException("not a JSON object")));
      if (n.has("error") && !n.has("choices")) return failed(status, t0, Failure.fromErrorObject(status, n));
      if (!n.path("choices").isArray()) return failed(status, t0, Failure.malformed(status, text, new IllegalArgumentException("no choices")));
      if (stream) return new Attempt(status, n, ResponseParser.parse(n), null, ms(t0), null); // server ignored stream
      return new Attempt(status, n, null, null, ms(t0), null);
    } catch (IOException e) {
      return failed(status, t0, Failure.fromIo(e, status));
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
        return failed(status, t0, Failure.malformed(status, data, e));
      }
      if (chunk.has("error") && !chunk.has("choices")) return failed(status, t0, Failure.fromErrorObject(status, chunk));
      if (acc.accept(chunk) && ttft == null) ttft = ms(t0);
    }
    return new Attempt(status, null, acc.result(), ttft, ms(t0), null);
  }

  private Attempt failed(Integer status, long t0, Failure f) { return new Attempt(status, null, null, null, ms(t0), f); }

  private double ms(long t0) { return (nanos.getAsLong() - t0) / 1e6; }
}
