package dev.harness.config;

/**
 * Client-side rate limit for HTTP engines ({@code engine.rate_limit}); every field null = none. {@code max_rpm}: at
 * most this many requests in any sliding 60 s window; {@code max_rps}: a token bucket refilled at this many requests
 * per second; {@code burst}: the bucket's capacity (default 1 = evenly spaced; without {@code max_rps} the bucket runs
 * at {@code max_rpm / 60}). See {@code dev.harness.engine.openai.RateLimitSpec}.
 */
public record RateLimitConfig(Integer maxRpm, Double maxRps, Integer burst) {
  public RateLimitConfig(Integer maxRpm) { this(maxRpm, null, null); }
}
