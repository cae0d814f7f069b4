package dev.harness.engine.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Client-side rate limit: a permit per request put on the wire, granted only when every {@link Policy} has room (a
 * {@link SlidingWindow} for {@code max_rpm}, a {@link TokenBucket} for {@code max_rps}/{@code burst}); a permit takes
 * from all of them at once. {@link HttpCaller} takes one right before each send, retries and uncounted re-sends
 * included. Clock (nanoseconds) and sleeper are injectable. Thread-safe.
 */
public final class RateLimiter {
  /** One limit: how long until it has room at {@code now}, and recording a grant. */
  interface Policy {
    long nanosUntilFree(long now);

    void take(long now);
  }

  private final List<Policy> policies;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private final LongConsumer onGrant;

  private RateLimiter(List<Policy> policies, LongSupplier nanoClock, Sleeper sleeper) {
    this(policies, nanoClock, sleeper, t -> {});
  }

  private RateLimiter(List<Policy> policies, LongSupplier nanoClock, Sleeper sleeper, LongConsumer onGrant) {
    if (policies.isEmpty()) throw new IllegalArgumentException("a rate limiter needs at least one limit");
    this.policies = List.copyOf(policies);
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
    this.onGrant = onGrant;
  }

  /**
   * This limiter (the same limits, shared state) telling {@code onGrant} the clock reading of every permit it grants,
   * inside the decision; for tests that compare grants with what a server saw.
   */
  RateLimiter observed(LongConsumer onGrant) { return new RateLimiter(policies, nanoClock, sleeper, onGrant); }

  /** At most {@code maxPerWindow} permits in any sliding {@code window}. */
  public RateLimiter(int maxPerWindow, Duration window, LongSupplier nanoClock, Sleeper sleeper) {
    this(List.of(new SlidingWindow(maxPerWindow, window.toNanos())), nanoClock, sleeper);
  }

  public static RateLimiter perMinute(int maxRpm, LongSupplier nanoClock, Sleeper sleeper) {
    return new RateLimiter(maxRpm, Duration.ofMinutes(1), nanoClock, sleeper);
  }

  /** A token bucket: {@code ratePerSecond} refill, {@code burst} capacity, starting full. */
  public static RateLimiter tokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock, Sleeper sleeper) {
    return new RateLimiter(List.of(new TokenBucket(ratePerSecond, burst)), nanoClock, sleeper);
  }

  /** The limiter {@code spec} describes, or null when it sets no limit. */
  public static RateLimiter of(RateLimitSpec spec, LongSupplier nanoClock, Sleeper sleeper) {
    if (spec == null || !spec.limits()) return null;
    List<Policy> ps = new ArrayList<>();
    if (spec.maxRpm() != null) ps.add(new SlidingWindow(spec.maxRpm(), Duration.ofMinutes(1).toNanos()));
    if (spec.hasBucket()) ps.add(new TokenBucket(spec.bucketRatePerSecond(), spec.bucketCapacity()));
    return new RateLimiter(ps, nanoClock, sleeper);
  }

  /** Takes a permit now if every limit has room; otherwise returns how long to wait before trying again. */
  public Duration tryAcquire() {
    synchronized (policies) { // the lock is the limits' own: an observed() view shares both
      long now = nanoClock.getAsLong();
      long wait = 0;
      for (Policy p : policies) wait = Math.max(wait, p.nanosUntilFree(now));
      if (wait > 0) return Duration.ofNanos(wait);
      for (Policy p : policies) p.take(now);
      onGrant.accept(now);
      return Duration.ZERO;
    }
  }

  /** Blocks (through the sleeper) until a permit is granted; returns the total time waited. */
  public Duration acquire() throws InterruptedException {
    Duration waited = Duration.ZERO;
    while (true) {
      Duration wait = tryAcquire();
      if (wait.isZero()) return waited;
      sleeper.sleep(wait);
      waited = waited.plus(wait);
    }
  }
}
