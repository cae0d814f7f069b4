package dev.harness.hub;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class DownloadProgressTest {
  @Test
  void barAndLogLinesRunThroughALifecycle() {
    assertDoesNotThrow(() -> {
      try (DownloadProgress bar = new DownloadProgress.Bar("file.bin", 3 << 20)) {
        bar.advance(1 << 20);
        bar.advance(2 << 20);
        bar.done();
      }
      try (DownloadProgress unknownSize = new DownloadProgress.Bar("file.bin", -1)) {
        unknownSize.advance(10);
      }
      try (DownloadProgress log = new DownloadProgress.LogLines("file.bin", 100, 0)) {
        log.advance(50);
        log.advance(50);
        log.done();
      }
    });
  }
}
