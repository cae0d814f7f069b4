package dev.harness.engine.openai;

/**
 * A token bucket of {@code capacity} tokens refilled continuously at {@code ratePerSecond}; it starts full. A request
 * takes one token. Over any interval of length {@code w}, at most {@code ratePerSecond × w + capacity} tokens are
 * taken. Not thread-safe: {@link RateLimiter} serialises access.
 */
final class TokenBucket implements RateLimiter.Policy {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long last;
  private boolean started;

  TokenBucket(double ratePerSecond, int capacity) {
    if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) throw new IllegalArgumentException("rate must be > 0");
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.capacity = capacity;
    this.perNano = ratePerSecond / 1e9;
    this.tokens = capacity;
  }

  private void refill(long now) {
    if (!started) {
      started = true;
      last = now;
      return;
    }
    if (now > last) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
    }
  }

  @Override
  public long nanosUntilFree(long now) {
    refill(now);
    if (tokens >= 1) return 0;
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
  }

  @Override
  public void take(long now) {
    refill(now);
    tokens -= 1;
  }
}
