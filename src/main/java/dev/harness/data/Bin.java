package dev.harness.data;

/**
 * A prompt-length bin: {@code [lo, hi)}, or {@code [lo, hi]} when {@code closed} (the last bin of a binning).
 *
 * @param index 0-based position in the binning
 * @param label {@code "lo–hi"} (en dash), e.g. {@code "1024–2048"}
 */
public record Bin(int index, int lo, int hi, String label, boolean closed) {
  public Bin {
    if (hi < lo || (hi == lo && !closed)) throw new DataException("empty bin [" + lo + ", " + hi + ")");
    if (label == null) label = lo + "\u2013" + hi;
  }

  public Bin(int index, int lo, int hi, boolean closed) { this(index, lo, hi, null, closed); }

  public boolean contains(int len) { return len >= lo && (closed ? len <= hi : len < hi); }
}
