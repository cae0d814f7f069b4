package dev.harness.engine.openai;

/**
 * The client-side rate limit of an HTTP engine (config {@code engine.rate_limit}); every field may be null.
 *
 * <ul>
 *   <li>{@code maxRpm}: at most this many requests put on the wire in any sliding 60 s window (a log of grant times).
 *   <li>{@code maxRps}: a token bucket refilled at this many requests per second (may be fractional, e.g. 0.5).
 *   <li>{@code burst}: the bucket's capacity, i.e. how many requests may go out back to back after an idle spell
 *       (default 1: requests are spaced evenly, one every {@code 1 / rate} seconds). Given without {@code maxRps}, the
 *       bucket runs at {@code maxRpm / 60} per second, so a minute's quota is spread over the minute.
 * </ul>
 *
 * With both a window and a bucket, a request needs a permit from each. Over any interval of length {@code w} the
 * bucket lets at most {@code rate × w + burst} requests out; the window at most {@code maxRpm} per 60 s.
 */
public record RateLimitSpec(Integer maxRpm, Double maxRps, Integer burst) {
  public static final RateLimitSpec NONE = new RateLimitSpec(null, null, null);

  public RateLimitSpec {
    if (maxRpm != null && maxRpm < 1) throw new IllegalArgumentException("engine.rate_limit.max_rpm: must be >= 1 or null, got " + maxRpm);
    if (maxRps != null && !(maxRps > 0 && Double.isFinite(maxRps))) {
      throw new IllegalArgumentException("engine.rate_limit.max_rps: must be a number > 0 or null, got " + maxRps);
    }
    if (burst != null && burst < 1) throw new IllegalArgumentException("engine.rate_limit.burst: must be an integer >= 1 or null, got " + burst);
    if (burst != null && maxRps == null && maxRpm == null) {
      throw new IllegalArgumentException("engine.rate_limit.burst: needs max_rps (or max_rpm) to set the bucket's rate");
    }
  }

  public static RateLimitSpec perMinute(Integer maxRpm) { return new RateLimitSpec(maxRpm, null, null); }

  /** True when some limit is set. */
  public boolean limits() { return maxRpm != null || maxRps != null; }

  /** True when a token bucket applies: {@code max_rps} given, or {@code burst} given with {@code max_rpm}. */
  public boolean hasBucket() { return maxRps != null || burst != null; }

  /** The bucket's refill rate in requests per second ({@code max_rps}, else {@code max_rpm / 60}); NaN without one. */
  public double bucketRatePerSecond() {
    if (maxRps != null) return maxRps;
    return hasBucket() ? maxRpm / 60.0 : Double.NaN;
  }

  /** The bucket's capacity (default 1). */
  public int bucketCapacity() { return burst == null ? 1 : burst; }
}
