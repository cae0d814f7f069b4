package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  @Test
  void tokenBucketWithBurstOneSpacesRequestsEvenly() throws Exception {
    AtomicLong now = new AtomicLong(0);
    RecordingSleeper sleeper = new RecordingSleeper(now);
    RateLimiter rl = RateLimiter.tokenBucket(2.0, 1, now::get, sleeper); // one every 500 ms
    long[] grants = new long[6];
    for (int i = 0; i < grants.length; i++) {
      rl.acquire();
      grants[i] = now.get();
    }
    assertEquals(List.of(0L, 500_000_000L, 1_000_000_000L, 1_500_000_000L, 2_000_000_000L, 2_500_000_000L),
        java.util.Arrays.stream(grants).boxed().toList());
  }

  @Test
  void tokenBucketLetsABurstOutThenRefillsAtTheRate() throws Exception {
    AtomicLong now = new AtomicLong(0);
    RateLimiter rl = RateLimiter.tokenBucket(1.0, 3, now::get, new RecordingSleeper(now));
    for (int i = 0; i < 3; i++) assertEquals(Duration.ZERO, rl.acquire()); // the full bucket: 3 at t=0
    assertEquals(Duration.ofSeconds(1), rl.tryAcquire());
    now.set(S / 2);
    assertEquals(Duration.ofMillis(500), rl.tryAcquire()); // half a token refilled
    now.set(10 * S); // idle for 10 s: refills to the capacity (3), not 10
    for (int i = 0; i < 3; i++) assertEquals(Duration.ZERO, rl.tryAcquire());
    assertEquals(Duration.ofSeconds(1), rl.tryAcquire());
  }

  @Test
  void tokenBucketNeverExceedsRateTimesWindowPlusBurst() throws Exception {
    double rate = 3;
    int burst = 4;
    AtomicLong now = new AtomicLong(0);
    RateLimiter rl = RateLimiter.tokenBucket(rate, burst, now::get, new RecordingSleeper(now));
    Random rnd = new Random(7);
    List<Long> grants = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      if (rnd.nextInt(4) == 0) now.addAndGet((long) (rnd.nextDouble() * 3 * S)); // idle spells refill the bucket
      rl.acquire();
      grants.add(now.get());
    }
    for (int i = 0; i < grants.size(); i++) {
      for (int j = i; j < grants.size(); j++) {
        double bound = rate * (grants.get(j) - grants.get(i)) / 1e9 + burst;
        assertTrue(j - i + 1 <= bound + 1e-9, (j - i + 1) + " grants in " + (grants.get(j) - grants.get(i)) + " ns");
      }
    }
  }

  @Test
  void windowAndBucketTogetherTakeFromBoth() throws Exception {
    AtomicLong now = new AtomicLong(0);
    // max_rpm 3 and a bucket at 1/s with burst 2: 2 at t=0, the 3rd at t=1 s (bucket), the 4th at t=60 s (window)
    RateLimiter rl = RateLimiter.of(new RateLimitSpec(3, 1.0, 2), now::get, new RecordingSleeper(now));
    List<Long> grants = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rl.acquire();
      grants.add(now.get());
    }
    assertEquals(List.of(0L, 0L, S, 60 * S), grants);
  }

  @Test
  void burstWithoutMaxRpsSpreadsTheMinutesQuota() throws Exception {
    AtomicLong now = new AtomicLong(0);
    RateLimiter rl = RateLimiter.of(new RateLimitSpec(120, null, 1), now::get, new RecordingSleeper(now)); // 2/s
    rl.acquire();
    assertEquals(Duration.ofMillis(500), rl.acquire());
    assertNull(RateLimiter.of(RateLimitSpec.NONE, now::get, new RecordingSleeper(now)));
  }

  @Test
  void specRejectsBadValuesWithTheField() {
    assertEquals("engine.rate_limit.max_rps: must be a number > 0 or null, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new RateLimitSpec(null, 0.0, null)).getMessage());
    assertEquals("engine.rate_limit.burst: must be an integer >= 1 or null, got 0",
        assertThrows(IllegalArgumentException.class, () -> new RateLimitSpec(null, 1.0, 0)).getMessage());
    assertEquals("engine.rate_limit.burst: needs max_rps (or max_rpm) to set the bucket's rate",
        assertThrows(IllegalArgumentException.class, () -> new RateLimitSpec(null, null, 5)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RateLimitSpec(null, Double.POSITIVE_INFINITY, null));
  }
}
