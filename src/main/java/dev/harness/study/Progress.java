package dev.harness.study;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on a terminal; elsewhere a log line every few seconds. Thread-safe. */
public final class Progress implements AutoCloseable {
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;
  private final ProgressBar bar;
  private final PrintWriter log;
  private final String task;
  private final long total;
  private long done;
  private long lastLog = System.nanoTime();

  public Progress(String task, long total, PrintWriter log) {
    this.task = task;
    this.total = total;
    this.log = log;
    this.bar = System.console() != null && total > 0
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500).build()
        : null;
  }

  public synchronized void step(String note) {
    done++;
    if (bar != null) {
      bar.step();
      if (note != null) bar.setExtraMessage(note);
      return;
    }
    long now = System.nanoTime();
    if (now - lastLog >= LOG_EVERY_NANOS || done == total) {
      lastLog = now;
      log.printf("[%s] %d/%d%s%n", task, done, total, note == null ? "" : " (" + note + ")");
      log.flush();
    }
  }

  @Override
  public synchronized void close() {
    if (bar != null) bar.close();
  }
}
