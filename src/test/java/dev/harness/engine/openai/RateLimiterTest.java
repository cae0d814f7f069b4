package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long S = 1_000_000_000L;

  @Test
  void burstUpToLimitThenWaitsForOldestToLeaveWindow() throws Exception {
    AtomicLong now = new AtomicLong(0);
    RecordingSleeper sleeper = new RecordingSleeper(now);
    RateLimiter rl = RateLimiter.perMinute(3, now::get, sleeper);
    assertEquals(Duration.ZERO, rl.acquire());
    now.set(20 * S);
    assertEquals(Duration.ZERO, rl.acquire());
    now.set(40 * S);
    assertEquals(Duration.ZERO, rl.acquire());
    now.set(50 * S);
    // the grant at t=0 leaves the window at t=60: wait 10 s
    assertEquals(Duration.ofSeconds(10), rl.acquire());
    assertEquals(60 * S, now.get());
    // next: the grant at t=20 leaves at t=80
    assertEquals(Duration.ofSeconds(20), rl.acquire());
    assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), sleeper.waits);
  }

  @Test
  void neverMoreThanLimitInAnySlidingMinute() throws Exception {
    AtomicLong now = new AtomicLong(0);
    RateLimiter rl = RateLimiter.perMinute(5, now::get, new RecordingSleeper(now));
    long[] grants = new long[40];
    for (int i = 0; i < grants.length; i++) {
      rl.acquire();
      grants[i] = now.get();
      now.addAndGet(3 * S); // a caller arriving every 3 s wants 20/min
    }
    for (int i = 0; i + 5 < grants.length; i++) {
      // the 6th grant after i is at least a full minute later
      assertEquals(true, grants[i + 5] - grants[i] >= 60 * S, "window violated at " + i);
    }
  }

  @Test
  void tryAcquireReportsWaitWithoutTakingAPermit() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter rl = new RateLimiter(1, Duration.ofSeconds(10), now::get, new RecordingSleeper(now));
    assertEquals(Duration.ZERO, rl.tryAcquire());
    now.set(4 * S);
    assertEquals(Duration.ofSeconds(6), rl.tryAcquire());
    assertEquals(Duration.ofSeconds(6), rl.tryAcquire());
    now.set(10 * S);
    assertEquals(Duration.ZERO, rl.tryAcquire());
  }
}
