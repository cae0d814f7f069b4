package dev.harness.engine.local.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One safetensors file: an 8-byte little-endian header length, a JSON header, then the raw tensor bytes. The header is
 * read and checked completely on open (every tensor's byte range lies inside the file and matches dtype × shape);
 * tensor data is memory-mapped per tensor on demand.
 */
public final class SafetensorsFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private final Path path;
  private final FileChannel channel;
  private final Map<String, TensorEntry> entries;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorEntry> entries, Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.entries = entries;
    this.metadata = metadata;
  }

  public static SafetensorsFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw CheckpointException.of(path, "cannot open (" + e.getMessage() + ")");
    }
    try {
      long size = ch.size();
      if (size < 8) throw CheckpointException.of(path, "file is " + size + " bytes, too short for a safetensors header");
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw CheckpointException.of(path, "header length " + headerLen + " does not fit a file of " + size + " bytes (truncated or not safetensors)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonNode root;
      try {
        root = JSON.readTree(header.array());
      } catch (IOException e) {
        throw CheckpointException.of(path, "header is not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
      }
      if (root == null || !root.isObject()) throw CheckpointException.of(path, "header is not a JSON object");
      long dataStart = 8 + headerLen;
      Map<String, TensorEntry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("__metadata__")) {
          f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        entries.put(f.getKey(), parseEntry(path, f.getKey(), f.getValue(), dataStart, size));
      }
      return new SafetensorsFile(path, ch, entries, metadata);
    } catch (IOException e) {
      closeQuietly(ch);
      throw CheckpointException.of(path, "cannot read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static TensorEntry parseEntry(Path path, String name, JsonNode n, long dataStart, long fileSize) {
    JsonNode dt = n.get("dtype");
    JsonNode shapeNode = n.get("shape");
    JsonNode offs = n.get("data_offsets");
    if (dt == null || shapeNode == null || !shapeNode.isArray() || offs == null || !offs.isArray() || offs.size() != 2) {
      throw CheckpointException.of(path, name, "header entry lacks dtype, shape or data_offsets");
    }
    DType dtype = DType.parse(dt.asText());
    if (dtype == null) throw CheckpointException.of(path, name, "unsupported dtype " + dt.asText() + " (F32, F16, BF16 are read)");
    long[] shape = new long[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) throw CheckpointException.of(path, name, "negative or invalid dimension in shape " + shapeNode);
      elements = Math.multiplyExact(elements, shape[i]);
    }
    long begin = offs.get(0).asLong(-1);
    long end = offs.get(1).asLong(-1);
    if (begin < 0 || end < begin) throw CheckpointException.of(path, name, "invalid data_offsets " + offs);
    long expected = elements * dtype.bytes();
    if (end - begin != expected) {
      throw CheckpointException.of(path, name, "header gives " + (end - begin) + " bytes but " + dtype + " " + shapeNode + " needs " + expected);
    }
    if (dataStart + end > fileSize) {
      throw CheckpointException.of(path, name, "data ends at byte " + (dataStart + end) + " but the file has " + fileSize + " bytes (truncated)");
    }
    return new TensorEntry(name, dtype, shape, dataStart + begin, dataStart + end, path);
  }

  public Path path() { return path; }

  public Map<String, TensorEntry> entries() { return entries; }

  public Map<String, String> metadata() { return metadata; }

  /**
   * The bytes of one tensor, memory-mapped read-only, little-endian (the buffer itself, not a view, so
   * {@link BufferRelease#release} can unmap it as soon as the caller is done).
   */
  public ByteBuffer map(TensorEntry e) {
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, e.start(), e.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException ex) {
      throw CheckpointException.of(path, e.name(), "cannot map (" + ex.getMessage() + ")");
    }
  }

  /** The tensor's values as floats in Java (F32 as stored, F16 and BF16 widened); for small tensors such as adapters. */
  public float[] floats(TensorEntry e) {
    if (e.elements() > Integer.MAX_VALUE) throw CheckpointException.of(path, e.name(), "too large to read into a Java array");
    ByteBuffer b = map(e);
    try {
      int n = (int) e.elements();
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = switch (e.dtype()) {
          case F32 -> b.getFloat(i * 4);
          case F16 -> halfToFloat(b.getShort(i * 2));
          case BF16 -> bf16ToFloat(b.getShort(i * 2));
        };
      }
      return out;
    } finally {
      BufferRelease.release(b);
    }
  }

  /** IEEE half → float (exact). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** bfloat16 → float (exact): the 16 bits are the high half of the float's bits. */
  static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

  /** Fills {@code buf} from {@code pos} on; EOFException when the file ends first. */
  static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) throw new EOFException("unexpected end of file");
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() { closeQuietly(channel); }
}
