package dev.harness.study.kl;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a file line by line as bytes, with each line's byte offset (so that it can be re-read by seeking). */
final class LineScanner implements Closeable {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos, lim;
  private long fileOffset; // offset of buf[0]
  private byte[] line = new byte[1 << 12];
  private int lineLen;
  private long lineOffset, lineNo;
  private boolean eof;

  LineScanner(Path path) throws IOException {
    this.in = Files.newInputStream(path);
  }

  /** Advances to the next line (without its \n or \r\n); false at the end. */
  boolean next() throws IOException {
    if (eof) return false;
    lineLen = 0;
    lineOffset = fileOffset + pos;
    boolean any = false;
    while (true) {
      if (pos == lim) {
        fileOffset += lim;
        lim = in.read(buf, 0, buf.length);
        pos = 0;
        if (lim <= 0) {
          lim = 0;
          eof = true;
          if (!any) return false;
          break;
        }
      }
      any = true;
      int end = pos;
      while (end < lim && buf[end] != '\n') end++;
      int n = end - pos;
      if (lineLen + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
      System.arraycopy(buf, pos, line, lineLen, n);
      lineLen += n;
      if (end < lim) { // found the newline
        pos = end + 1;
        break;
      }
      pos = lim;
    }
    if (lineLen > 0 && line[lineLen - 1] == '\r') lineLen--;
    lineNo++;
    return true;
  }

  byte[] bytes() { return line; }

  int length() { return lineLen; }

  long offset() { return lineOffset; }

  long lineNo() { return lineNo; }

  @Override
  public void close() throws IOException { in.close(); }
}
