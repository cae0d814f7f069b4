package dev.harness.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import okhttp3.ResponseBody;

/**
 * Streams a response body into {@code blobs/}: first into a temp file beside the blob, then, once complete and checked
 * (length, sha256 when the expected name is one), an atomic rename. A failure at any point deletes the temp file, so a
 * blob is either absent or whole.
 */
final class BlobDownloader {
  private BlobDownloader() {}

  /**
   * @param expectedName the blob name from the ETag, or null to name the blob by the sha256 of its content
   * @return the blob path
   */
  static Path download(ResponseBody body, Path blobsDir, String expectedName, String label) throws IOException {
    Files.createDirectories(blobsDir);
    long expectedLength = body.contentLength();
    MessageDigest sha256 = HfCacheLayout.digest("SHA-256");
    Path tmp = Files.createTempFile(blobsDir, expectedName == null ? "download-" : expectedName + "-", ".incomplete");
    boolean moved = false;
    try (DownloadProgress progress = DownloadProgress.start(label, expectedLength)) {
      long written = 0;
      try (InputStream in = body.byteStream(); OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("download interrupted");
          out.write(buf, 0, n);
          sha256.update(buf, 0, n);
          written += n;
          progress.advance(n);
        }
      }
      if (expectedLength >= 0 && written != expectedLength) {
        throw new IOException("incomplete body: " + written + " of " + expectedLength + " bytes");
      }
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (expectedName != null && HfCacheLayout.isSha256(expectedName) && !expectedName.equals(actual)) {
        throw new IOException("checksum mismatch: expected sha256 " + expectedName + ", got " + actual);
      }
      Path blob = blobsDir.resolve(expectedName != null ? expectedName : actual);
      HfCacheLayout.moveAtomically(tmp, blob);
      moved = true;
      progress.done();
      return blob;
    } finally {
      if (!moved) Files.deleteIfExists(tmp);
    }
  }
}
