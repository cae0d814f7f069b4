package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.ErrorKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why one HTTP attempt failed, and whether it is worth retrying. Classification (DESIGN §6): 429 or a rate-limit
 * message → RATE_LIMITED (retried); 408 and client timeouts → TIMEOUT (retried); 5xx and connection errors →
 * ENGINE_ERROR (retried); other 4xx, malformed bodies and error objects in a 2xx body → ENGINE_ERROR (not retried,
 * unless the error object says 429 / 5xx / rate limit).
 */
public record HttpFailure(ErrorKind kind, boolean retryable, Integer status, String message, Optional<Duration> retryAfter, Throwable cause) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RATE_LIMIT = Pattern.compile("(?i)rate[ _-]?limit|too many requests");
  private static final int MAX_EVIDENCE = 500;

  /** A non-2xx status with its body. */
  public static HttpFailure fromStatus(int status, String body, Optional<Duration> retryAfter) {
    String msg = serverMessage(body);
    if (status == 429 || RATE_LIMIT.matcher(msg).find()) return new HttpFailure(ErrorKind.RATE_LIMITED, true, status, msg, retryAfter, null);
    if (status == 408) return new HttpFailure(ErrorKind.TIMEOUT, true, status, msg, retryAfter, null);
    if (status >= 500) return new HttpFailure(ErrorKind.ENGINE_ERROR, true, status, msg, retryAfter, null);
    return new HttpFailure(ErrorKind.ENGINE_ERROR, false, status, msg, Optional.empty(), null);
  }

  /** A 2xx body that is an error object ({@code {"error": {...}}}, as OpenRouter and streams send). */
  public static HttpFailure fromErrorObject(int status, JsonNode body) {
    JsonNode err = body.path("error");
    String msg = serverMessage(body.toString());
    int code = err.path("code").asInt(0) != 0 ? err.path("code").asInt(0) : err.path("status").asInt(0);
    if (code == 429 || RATE_LIMIT.matcher(msg).find()) return new HttpFailure(ErrorKind.RATE_LIMITED, true, status, msg, Optional.empty(), null);
    if (code >= 500) return new HttpFailure(ErrorKind.ENGINE_ERROR, true, status, msg, Optional.empty(), null);
    return new HttpFailure(ErrorKind.ENGINE_ERROR, false, status, msg, Optional.empty(), null);
  }

  /** A transport failure: timeouts (OkHttp's call timeout, socket timeouts) and connection errors. */
  public static HttpFailure fromIo(IOException e, Integer status) {
    boolean timeout = e instanceof SocketTimeoutException || (e instanceof InterruptedIOException && !Thread.currentThread().isInterrupted());
    String what = timeout ? "timed out" : "connection error";
    return new HttpFailure(timeout ? ErrorKind.TIMEOUT : ErrorKind.ENGINE_ERROR, true, status,
        what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), Optional.empty(), e);
  }

  /** A 2xx body that is not the JSON expected. Not retried: the server answered, and a retry would pay twice. */
  public static HttpFailure malformed(int status, String body, Exception e) {
    return new HttpFailure(ErrorKind.ENGINE_ERROR, false, status, "malformed response body (" + e.getClass().getSimpleName() + "): "
        + truncate(body == null ? "" : body), Optional.empty(), e);
  }

  /** The server's own message: {@code error.message}, {@code error} (string), {@code message}, {@code detail}, else the body. */
  public static String serverMessage(String body) {
    if (body == null || body.isBlank()) return "(empty body)";
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.isObject()) {
        JsonNode err = n.get("error");
        if (err != null && err.isObject() && err.path("message").isTextual()) return truncate(err.path("message").asText());
        if (err != null && err.isTextual()) return truncate(err.asText());
        if (n.path("message").isTextual()) return truncate(n.path("message").asText());
        if (n.has("detail")) return truncate(n.get("detail").isTextual() ? n.get("detail").asText() : n.get("detail").toString());
      }
    } catch (IOException | RuntimeException notJson) {
      // fall through to the raw body
    }
    return truncate(body.strip());
  }

  static String truncate(String s) { return s.length() <= MAX_EVIDENCE ? s : s.substring(0, MAX_EVIDENCE) + "..."; }
}
