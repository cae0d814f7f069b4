package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Clock fixed = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void retryAfterSecondsDateAndMs() {
    Backoff b = new Backoff(1, fixed);
    assertEquals(Optional.of(Duration.ofSeconds(7)), b.parseRetryAfter("7", null));
    assertEquals(Optional.of(Duration.ofMillis(1500)), b.parseRetryAfter("1.5", null));
    assertEquals(Optional.of(Duration.ofSeconds(5)), b.parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", null));
    assertEquals(Optional.of(Duration.ZERO), b.parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", null));
    assertEquals(Optional.of(Duration.ofMillis(250)), b.parseRetryAfter(null, "250"));
    assertEquals(Optional.empty(), b.parseRetryAfter("soon", null));
    assertEquals(Optional.empty(), b.parseRetryAfter(null, null));
  }

  @Test
  void retryAfterIsHonouredButCapped() {
    Backoff b = new Backoff(1, fixed);
    assertEquals(Duration.ofSeconds(3), b.delay(4, Optional.of(Duration.ofSeconds(3))));
    assertEquals(Backoff.RETRY_AFTER_CAP, b.delay(0, Optional.of(Duration.ofHours(1))));
  }

  @Test
  void fullJitterWithinExponentialCeilingAndSeeded() {
    Backoff a = new Backoff(42, fixed);
    Backoff same = new Backoff(42, fixed);
    for (int i = 0; i < 12; i++) {
      Duration d = a.jittered(i);
      long ceiling = Math.min(30_000, 500L << i);
      assertTrue(d.toMillis() >= 0 && d.toMillis() <= ceiling, i + ": " + d);
      assertEquals(d, same.jittered(i));
    }
  }
}
