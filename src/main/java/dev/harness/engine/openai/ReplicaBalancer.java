package dev.harness.engine.openai;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the replica with the fewest calls in flight; ties are broken round-robin (so sequential calls alternate).
 * {@link #acquire()} returns a lease that must be closed when the call ends.
 */
public final class ReplicaBalancer {
  private final List<String> urls;
  private final int[] inFlight;
  private int next;

  public ReplicaBalancer(List<String> urls) {
    if (urls.isEmpty()) throw new IllegalArgumentException("no replicas");
    this.urls = List.copyOf(urls);
    this.inFlight = new int[urls.size()];
  }

  public List<String> urls() { return urls; }

  public synchronized Lease acquire() {
    int n = urls.size();
    int best = -1;
    for (int k = 0; k < n; k++) {
      int i = (next + k) % n;
      if (best < 0 || inFlight[i] < inFlight[best]) best = i;
    }
    inFlight[best]++;
    next = (best + 1) % n;
    return new Lease(best);
  }

  private synchronized void release(int i) { inFlight[i]--; }

  /** One call's hold on a replica. */
  public final class Lease implements AutoCloseable {
    private final int index;
    private final AtomicInteger closed = new AtomicInteger();

    private Lease(int index) { this.index = index; }

    public String url() { return urls.get(index); }

    @Override
    public void close() {
      if (closed.getAndIncrement() == 0) release(index);
    }
  }
}
