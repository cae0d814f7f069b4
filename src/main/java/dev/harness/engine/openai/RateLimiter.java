package dev.harness.engine.openai;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Client-side limit of at most {@code maxPerWindow} acquisitions in any sliding window (one minute for RPM): a log of
 * the grant times of the last {@code maxPerWindow} permits. Clock (nanoseconds) and sleeper are injectable.
 */
public final class RateLimiter {
  private final int maxPerWindow;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private final ArrayDeque<Long> grants = new ArrayDeque<>();

  public RateLimiter(int maxPerWindow, Duration window, LongSupplier nanoClock, Sleeper sleeper) {
    if (maxPerWindow < 1) throw new IllegalArgumentException("maxPerWindow must be >= 1");
    this.maxPerWindow = maxPerWindow;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
  }

  public static RateLimiter perMinute(int maxRpm, LongSupplier nanoClock, Sleeper sleeper) {
    return new RateLimiter(maxRpm, Duration.ofMinutes(1), nanoClock, sleeper);
  }

  /** Takes a permit now if the window has room; otherwise returns how long to wait before trying again. */
  public synchronized Duration tryAcquire() {
    long now = nanoClock.getAsLong();
    while (!grants.isEmpty() && now - grants.peekFirst() >= windowNanos) grants.pollFirst();
    if (grants.size() < maxPerWindow) {
      grants.addLast(now);
      return Duration.ZERO;
    }
    return Duration.ofNanos(grants.peekFirst() + windowNanos - now);
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
