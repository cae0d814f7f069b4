package dev.harness.config;

/** Client-side rate limit for HTTP engines; null = none. */
public record RateLimitConfig(Integer maxRpm) {}
