package dev.harness.engine.openai;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records waits instead of sleeping; optionally advances a fake nanosecond clock by each wait. */
final class RecordingSleeper implements Sleeper {
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final AtomicLong clock;

  RecordingSleeper() { this(null); }

  RecordingSleeper(AtomicLong clock) { this.clock = clock; }

  @Override
  public void sleep(Duration d) {
    waits.add(d);
    if (clock != null) clock.addAndGet(d.toNanos());
  }
}
