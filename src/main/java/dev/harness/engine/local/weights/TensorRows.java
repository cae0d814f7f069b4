package dev.harness.engine.local.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * A 2-D checkpoint tensor [rows, width] that stays in its file: {@link #rows} reads just the rows asked for
 * (positional reads through the OS page cache, which is shared and reclaimable and is not part of the process's
 * resident set) and hands them out as one array in the compute dtype. For tables a model only gathers from: an
 * untied input embedding is {@code vocab × hidden} weights of which a forward pass needs one row per token.
 *
 * <p>Not memory-mapped on purpose: a mapping's pages count as resident once touched, and with large page-cache folios
 * (ext4 on Linux 6.x maps up to megabytes per fault) a few hundred scattered rows map the whole table.
 *
 * <p>When float16 is asked of a float32 or BF16 table, the whole table is range-checked once on open, in chunks, with
 * {@link Float16Range}'s message, so a table beyond float16's range is refused at load as a copied one would be. The
 * file must not be rewritten in place while the model is loaded (rows would be read from the new contents).
 */
public final class TensorRows implements AutoCloseable {
  private static final int SCAN_CHUNK = 1 << 20;

  private final TensorEntry entry;
  private final FileChannel channel;
  private final DataType target;
  private final long rows;
  private final int width;
  private final int rowBytes;

  private TensorRows(TensorEntry entry, FileChannel channel, DataType target) {
    this.entry = entry;
    this.channel = channel;
    this.target = target;
    this.rows = entry.shape()[0];
    this.width = Math.toIntExact(entry.shape()[1]);
    this.rowBytes = Math.multiplyExact(width, entry.dtype().bytes());
  }

  /** Opens {@code name} of {@code ckpt} (checked against {@code shape}, which must be 2-D) for row reads as {@code target}. */
  public static TensorRows open(Checkpoint ckpt, String name, DataType target, long... shape) {
    if (shape.length != 2) throw new IllegalArgumentException("TensorRows needs a 2-D shape, got " + shape.length + "-D");
    if (target != DataType.FLOAT32 && target != DataType.FLOAT16) throw new IllegalArgumentException("target " + target);
    TensorEntry e = ckpt.entry(name, shape);
    FileChannel ch;
    try {
      ch = FileChannel.open(e.file(), StandardOpenOption.READ);
    } catch (IOException ex) {
      throw CheckpointException.of(e.file(), name, "cannot open (" + ex.getMessage() + ")");
    }
    TensorRows t = new TensorRows(e, ch, target);
    try {
      if (target == DataType.FLOAT16 && e.dtype() != DType.F16) t.checkFloat16Range();
    } catch (RuntimeException ex) {
      t.close();
      throw ex;
    }
    return t;
  }

  /** Bytes of the table in the compute dtype (what a resident copy would take). */
  public long computeBytes() { return rows * width * (long) target.getNumOfBytes(); }

  /**
   * Rows {@code ids} as an array [ids.length, width] of the target dtype in {@code manager}. An id outside
   * [0, rows) is refused with IndexOutOfBoundsException naming the table.
   */
  public NDArray rows(NDManager manager, long[] ids) {
    // little-endian as stored; a heap buffer, which DJL copies into the tensor (x86-64 and aarch64 are little-endian)
    ByteBuffer raw = ByteBuffer.allocate(Math.multiplyExact(ids.length, rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < ids.length; i++) {
      long id = ids[i];
      if (id < 0 || id >= rows) {
        throw new IndexOutOfBoundsException("token id " + id + " is outside " + entry.name() + " [0, " + rows + ")");
      }
      readFully(raw.slice(i * rowBytes, rowBytes), entry.start() + id * rowBytes);
    }
    Shape shape = new Shape(ids.length, width);
    NDArray a = switch (entry.dtype()) {
      case F32 -> manager.create(raw, shape, DataType.FLOAT32);
      case F16 -> manager.create(raw, shape, DataType.FLOAT16);
      // into a heap buffer: DJL copies heap buffers into the tensor, so nothing native refers to it afterwards
      case BF16 -> manager.create(Checkpoint.widenBf16(raw, ByteBuffer.allocate(Math.multiplyExact(ids.length * width, Float.BYTES))),
          shape, DataType.FLOAT32);
    };
    if (a.getDataType() == target) return a;
    NDArray out = a.toType(target, false);
    a.close();
    return out;
  }


  private void checkFloat16Range() {
    ByteBuffer buf = ByteBuffer.allocate(SCAN_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    float peak = 0;
    for (long at = entry.start(); at < entry.end(); at += SCAN_CHUNK) {
      int n = (int) Math.min(SCAN_CHUNK, entry.end() - at);
      buf.clear().limit(n);
      readFully(buf, at);
      for (int i = 0; i < n; i += entry.dtype().bytes()) {
        float v = entry.dtype() == DType.F32 ? buf.getFloat(i) : SafetensorsFile.bf16ToFloat(buf.getShort(i));
        float m = Math.abs(v);
        if (Float.isNaN(m)) peak = Float.NaN;
        else if (!Float.isNaN(peak) && m > peak) peak = m;
      }
    }
    Float16Range.check(entry.file(), entry.name(), peak);
  }

  private void readFully(ByteBuffer dst, long position) {
    try {
      SafetensorsFile.readFully(channel, dst, position);
    } catch (EOFException ex) {
      throw CheckpointException.of(entry.file(), entry.name(), "file ends inside the tensor (truncated since load?)");
    } catch (IOException ex) {
      throw CheckpointException.of(entry.file(), entry.name(), "cannot read (" + ex.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }
}
