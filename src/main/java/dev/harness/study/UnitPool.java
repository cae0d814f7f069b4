package dev.harness.study;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The run phase's worker loop: sends units to an engine on a fixed number of workers, counts ok and failed units and
 * shows them on a {@link Progress} line ("N ok, M failed"). Each task records its own units in the store; a worker
 * that throws ends the phase ({@code worker failed: …}), as does an interrupt. Workers are stopped before it returns.
 */
public final class UnitPool {
  /** The outcome counts of one pool run: units given, ok, failed. */
  public record Tally(int sent, int ok, int failed) {}

  /** Where a task reports each unit it finished. */
  public interface Outcome {
    void record(boolean ok);
  }

  /** One piece of work for a worker: finishes one or more units and reports each through {@link Outcome}. */
  public interface Task {
    void run(Outcome outcome);
  }

  private UnitPool() {}

  /** One task per unit; {@code unit} sends it, stores the result and says whether it was ok. */
  public static <U> Tally each(StudyContext ctx, String label, int threads, List<U> units, Predicate<U> unit) {
    List<Task> tasks = new ArrayList<>(units.size());
    for (U u : units) tasks.add(outcome -> outcome.record(unit.test(u)));
    return run(ctx, label, threads, units.size(), tasks);
  }

  /**
   * Runs {@code tasks} on {@code threads} workers under a progress line {@code label} of {@code units} steps (one per
   * unit a task reports, so a task may cover several units).
   */
  public static Tally run(StudyContext ctx, String label, int threads, int units, List<Task> tasks) {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Progress progress = new Progress(label, units, ctx.err())) {
      Outcome outcome = success -> {
        (success ? ok : failed).incrementAndGet();
        progress.step(ok.get() + " ok, " + failed.get() + " failed");
      };
      List<Future<?>> futures = new ArrayList<>();
      for (Task t : tasks) futures.add(pool.submit(() -> t.run(outcome)));
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new PhaseException(Phase.RUN, ctx.configPath(), "worker failed: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PhaseException(Phase.RUN, ctx.configPath(), "interrupted", e);
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
    return new Tally(units, ok.get(), failed.get());
  }
}
