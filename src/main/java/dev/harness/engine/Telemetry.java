package dev.harness.engine;

import java.util.Map;

/**
 * What one request cost. Times in milliseconds; null where the engine cannot tell. {@code extra} carries
 * engine-specific facts (e.g. kept positions per layer, why a context was not compressed) as JSON-ready values.
 */
public record Telemetry(
    double latencyMs,
    Double ttftMs,
    Integer httpStatus,
    int attempts,
    Double prefillMs,
    Double decodeMs,
    Long kvFullBytes,
    Long kvKeptBytes,
    Long peakRssBytes,
    Map<String, Object> extra) {

  public Telemetry {
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  public static Telemetry http(double latencyMs, Double ttftMs, int status, int attempts) {
    return new Telemetry(latencyMs, ttftMs, status, attempts, null, null, null, null, null, Map.of());
  }

  public Double decodeTokensPerSecond(int completionTokens) {
    return decodeMs == null || decodeMs <= 0 || completionTokens <= 0 ? null : completionTokens / (decodeMs / 1000.0);
  }
}
