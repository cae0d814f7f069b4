package dev.harness.engine.openai;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Random;

/**
 * Wait before retry number {@code n} (0-based): the server's {@code Retry-After} when it sent one (capped at
 * {@link #RETRY_AFTER_CAP}), else exponential backoff with full jitter: uniform in [0, min(cap, base × 2^n)], base
 * 0.5 s, cap 30 s, from a seeded random.
 */
public final class Backoff {
  public static final Duration BASE = Duration.ofMillis(500);
  public static final Duration CAP = Duration.ofSeconds(30);
  public static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(120);

  private final Random random;
  private final Clock clock;

  public Backoff(long seed, Clock clock) {
    this.random = new Random(seed);
    this.clock = clock;
  }

  /** The jittered exponential wait before retry {@code retryIndex} (0 = the first retry). */
  public Duration jittered(int retryIndex) {
    double ceilingMs = Math.min(CAP.toMillis(), BASE.toMillis() * Math.pow(2, Math.min(retryIndex, 30)));
    double u;
    synchronized (random) {
      u = random.nextDouble();
    }
    return Duration.ofMillis(Math.round(u * ceilingMs));
  }

  /** The wait before retry {@code retryIndex}: {@code retryAfter} (already parsed) when present, else jittered. */
  public Duration delay(int retryIndex, Optional<Duration> retryAfter) {
    return retryAfter.map(d -> d.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : d).orElseGet(() -> jittered(retryIndex));
  }

  /**
   * Parses {@code Retry-After} (delay seconds, possibly fractional, or an HTTP date) or, when that is absent,
   * {@code retry-after-ms} (OpenAI). Empty when neither parses; a date in the past gives zero.
   */
  public Optional<Duration> parseRetryAfter(String retryAfter, String retryAfterMs) {
    if (retryAfter != null && !retryAfter.isBlank()) {
      String v = retryAfter.strip();
      try {
        double secs = Double.parseDouble(v);
        if (secs >= 0 && Double.isFinite(secs)) return Optional.of(Duration.ofMillis(Math.round(secs * 1000)));
      } catch (NumberFormatException notANumber) {
        try {
          Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          Duration d = Duration.between(clock.instant(), at);
          return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException ignored) {
          // fall through
        }
      }
    }
    if (retryAfterMs != null && !retryAfterMs.isBlank()) {
      try {
        double ms = Double.parseDouble(retryAfterMs.strip());
        if (ms >= 0 && Double.isFinite(ms)) return Optional.of(Duration.ofMillis(Math.round(ms)));
      } catch (NumberFormatException ignored) {
        // no usable hint
      }
    }
    return Optional.empty();
  }
}
