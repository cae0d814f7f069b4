package dev.harness.engine.openai;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Picks the replica with the fewest calls in flight; ties are broken round-robin (so sequential calls alternate).
 * {@link #acquire()} returns a lease that must be closed when the call ends.
 *
 * <p>A replica whose call failed to connect (refused, unreachable) or timed out is marked down ({@link Lease#markDown()})
 * and left out of rotation for {@link #COOLDOWN} (30 s); then it is tried again, and a further failure marks it down
 * again. When every replica is down, the one whose cool-down ends first is used (never no replica).
 */
public final class ReplicaBalancer {
  public static final Duration COOLDOWN = Duration.ofSeconds(30);

  private final List<String> urls;
  private final int[] inFlight;
  private final long[] downUntil;
  private final boolean[] down;
  private final LongSupplier nanos;
  private final long cooldownNanos;
  private int next;

  public ReplicaBalancer(List<String> urls) { this(urls, System::nanoTime, COOLDOWN); }

  public ReplicaBalancer(List<String> urls, LongSupplier nanos, Duration cooldown) {
    if (urls.isEmpty()) throw new IllegalArgumentException("no replicas");
    this.urls = List.copyOf(urls);
    this.inFlight = new int[urls.size()];
    this.downUntil = new long[urls.size()];
    this.down = new boolean[urls.size()];
    this.nanos = nanos;
    this.cooldownNanos = cooldown.toNanos();
  }

  public List<String> urls() { return urls; }

  public synchronized Lease acquire() {
    int n = urls.size();
    long now = nanos.getAsLong();
    int best = -1;
    for (int k = 0; k < n; k++) {
      int i = (next + k) % n;
      if (down[i] && now - downUntil[i] < 0) continue;
      if (best < 0 || inFlight[i] < inFlight[best]) best = i;
    }
    if (best < 0) { // all down: the one back soonest
      for (int i = 0; i < n; i++) if (best < 0 || downUntil[i] - downUntil[best] < 0) best = i;
    }
    inFlight[best]++;
    next = (best + 1) % n;
    return new Lease(best);
  }

  /** Replicas in rotation now (not cooling down). */
  public synchronized int available() {
    long now = nanos.getAsLong();
    int c = 0;
    for (int i = 0; i < urls.size(); i++) if (!down[i] || now - downUntil[i] >= 0) c++;
    return c;
  }

  private synchronized void release(int i) { inFlight[i]--; }

  private synchronized void markDown(int i) {
    down[i] = true;
    downUntil[i] = nanos.getAsLong() + cooldownNanos;
  }

  private synchronized void markUp(int i) { down[i] = false; }

  /** One call's hold on a replica. */
  public final class Lease implements AutoCloseable {
    private final int index;
    private final AtomicInteger closed = new AtomicInteger();

    private Lease(int index) { this.index = index; }

    public String url() { return urls.get(index); }

    /** This replica refused the connection or timed out: out of rotation for the cool-down. */
    public void markDown() { ReplicaBalancer.this.markDown(index); }

    /** This replica answered: back in rotation at once. */
    public void markUp() { ReplicaBalancer.this.markUp(index); }

    @Override
    public void close() {
      if (closed.getAndIncrement() == 0) release(index);
    }
  }
}
