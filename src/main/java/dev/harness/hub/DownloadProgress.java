package dev.harness.hub;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one download: a progress bar on a terminal ({@code System.console() != null}), otherwise a log line every
 * few seconds and one at the end.
 */
interface DownloadProgress extends AutoCloseable {
  void advance(long bytes);

  /** Called once the file is complete. */
  void done();

  @Override
  void close();

  static DownloadProgress start(String label, long totalBytes) {
    return System.console() != null ? new Bar(label, totalBytes) : new LogLines(label, totalBytes, 5_000);
  }

  static String mib(long bytes) { return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0); }

  /** me.tongfei progress bar in MiB with speed, on stderr. */
  final class Bar implements DownloadProgress {
    private final ProgressBar bar;

    Bar(String label, long totalBytes) {
      bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(totalBytes > 0 ? totalBytes : -1)
          .setUnit("MiB", 1 << 20).setStyle(ProgressBarStyle.ASCII).showSpeed().build();
    }

    @Override public void advance(long bytes) { bar.stepBy(bytes); }

    @Override public void done() { bar.setExtraMessage(" done"); }

    @Override public void close() { bar.close(); }
  }

  /** One log line every {@code intervalMillis} while bytes flow, one at the end. */
  final class LogLines implements DownloadProgress {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private final String label;
    private final long total;
    private final long intervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private long done;

    LogLines(String label, long totalBytes, long intervalMillis) {
      this.label = label;
      this.total = totalBytes;
      this.intervalNanos = intervalMillis * 1_000_000L;
    }

    @Override
    public void advance(long bytes) {
      done += bytes;
      long now = System.nanoTime();
      if (now - lastLogNanos >= intervalNanos) {
        lastLogNanos = now;
        if (total > 0) {
          LOG.info("downloading {}: {} / {} ({}%)", label, mib(done), mib(total), done * 100 / total);
        } else {
          LOG.info("downloading {}: {}", label, mib(done));
        }
      }
    }

    @Override
    public void done() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      LOG.info("downloaded {} ({}) in {} s", label, mib(done), String.format(Locale.ROOT, "%.1f", seconds));
    }

    @Override public void close() {}
  }
}
