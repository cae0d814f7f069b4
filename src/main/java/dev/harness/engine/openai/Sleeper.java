package dev.harness.engine.openai;

import java.time.Duration;

/** Waits; injectable so tests can record backoff and rate-limit waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper REAL = d -> {
    if (!d.isNegative() && !d.isZero()) Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));
  };
}
