package dev.harness.engine.openai;

import java.util.ArrayDeque;

/**
 * At most {@code maxPerWindow} grants in any sliding window of {@code windowNanos}: a log of the last grant times.
 * Not thread-safe: {@link RateLimiter} serialises access.
 */
final class SlidingWindow implements RateLimiter.Policy {
  private final int maxPerWindow;
  private final long windowNanos;
  private final ArrayDeque<Long> grants = new ArrayDeque<>();

  SlidingWindow(int maxPerWindow, long windowNanos) {
    if (maxPerWindow < 1) throw new IllegalArgumentException("maxPerWindow must be >= 1");
    this.maxPerWindow = maxPerWindow;
    this.windowNanos = windowNanos;
  }

  @Override
  public long nanosUntilFree(long now) {
    while (!grants.isEmpty() && now - grants.peekFirst() >= windowNanos) grants.pollFirst();
    return grants.size() < maxPerWindow ? 0 : grants.peekFirst() + windowNanos - now;
  }

  @Override
  public void take(long now) { grants.addLast(now); }
}
