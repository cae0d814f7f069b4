package dev.harness.engine.local.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tensors of a model directory: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}. Tensors are looked up by name and handed out one at a time as NDArrays over
 * their memory-mapped bytes ({@link #read}), unmapped as soon as the caller has copied them.
 */
public final class Checkpoint implements AutoCloseable {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Path dir;
  private final List<SafetensorsFile> files;
  private final Map<String, TensorEntry> entries;
  private final Map<Path, SafetensorsFile> byPath;

  private Checkpoint(Path dir, List<SafetensorsFile> files, Map<String, TensorEntry> entries) {
    this.dir = dir;
    this.files = files;
    this.entries = entries;
    this.byPath = new LinkedHashMap<>();
    for (SafetensorsFile f : files) byPath.put(f.path(), f);
  }

  public static Checkpoint open(Path dir) {
    Path single = dir.resolve(SINGLE);
    Path index = dir.resolve(INDEX);
    List<SafetensorsFile> files = new ArrayList<>();
    Map<String, TensorEntry> entries = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(index)) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, String> w : weightMap.entrySet()) {
          SafetensorsFile shard = shards.get(w.getValue());
          if (shard == null) {
            Path p = dir.resolve(w.getValue());
            if (!Files.isRegularFile(p)) throw CheckpointException.of(index, w.getKey(), "shard " + w.getValue() + " does not exist");
            shard = SafetensorsFile.open(p);
            shards.put(w.getValue(), shard);
            files.add(shard);
          }
          TensorEntry e = shard.entries().get(w.getKey());
          if (e == null) throw CheckpointException.of(shard.path(), w.getKey(), "listed in " + INDEX + " but not in the shard");
          entries.put(w.getKey(), e);
        }
      } else if (Files.isRegularFile(single)) {
        SafetensorsFile f = SafetensorsFile.open(single);
        files.add(f);
        entries.putAll(f.entries());
      } else {
        throw CheckpointException.of(dir, "no " + SINGLE + " or " + INDEX + " (only safetensors checkpoints are read)");
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new Checkpoint(dir, files, entries);
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(index.toFile());
    } catch (IOException e) {
      throw CheckpointException.of(index, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    JsonNode wm = root == null ? null : root.get("weight_map");
    if (wm == null || !wm.isObject()) throw CheckpointException.of(index, "has no weight_map object");
    Map<String, String> out = new LinkedHashMap<>();
    wm.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }

  public Path dir() { return dir; }

  public Set<String> names() { return entries.keySet(); }

  public boolean has(String name) { return entries.containsKey(name); }

  public TensorEntry entry(String name) {
    TensorEntry e = entries.get(name);
    if (e == null) {
      Path where = files.size() == 1 ? files.get(0).path() : dir.resolve(INDEX);
      throw CheckpointException.of(where, name, "missing");
    }
    return e;
  }

  /** Checks that a tensor has the shape the config implies. */
  public TensorEntry entry(String name, long... expectedShape) {
    TensorEntry e = entry(name);
    if (!Arrays.equals(e.shape(), expectedShape)) {
      throw CheckpointException.of(e.file(), name, "shape " + e.shapeString() + " disagrees with config.json, which implies " + Arrays.toString(expectedShape));
    }
    return e;
  }

  /**
   * Hands the tensor to {@code use} as an NDArray of {@code target} type (F32, F16; BF16 is widened to F32 in Java first
   * because DJL's PyTorch engine cannot hold it; narrowing to F16 is range-checked by {@link Float16Range}), then
   * releases everything behind it. The tensor's bytes are
   * memory-mapped for this one call: on the CPU the array is created over the mapping without a copy, and right after
   * {@code use} returns the array is closed and the mapping unmapped ({@link BufferRelease}), so the file's pages never
   * stay resident next to the copies the model keeps. {@code use} must copy what it needs (e.g. into a preallocated
   * array with {@code set}) and must not keep the array or any view of it.
   */
  public void read(NDManager parent, String name, DataType target, long[] expectedShape, Consumer<NDArray> use) {
    TensorEntry e = expectedShape.length == 0 ? entry(name) : entry(name, expectedShape);
    ByteBuffer bytes = byPath.get(e.file()).map(e);
    ByteBuffer widened = null;
    try (NDManager tmp = parent.newSubManager()) {
      Shape shape = new Shape(e.shape());
      NDArray raw = switch (e.dtype()) {
        case F32 -> tmp.create(bytes, shape, DataType.FLOAT32);
        case F16 -> tmp.create(bytes, shape, DataType.FLOAT16);
        case BF16 -> tmp.create(widened = widenBf16(bytes), shape, DataType.FLOAT32);
      };
      if (target == DataType.FLOAT16) Float16Range.check(e.file(), name, raw);
      use.accept(raw.getDataType() == target ? raw : raw.toType(target, false));
    } finally {
      BufferRelease.release(widened);
      BufferRelease.release(bytes);
    }
  }

  /** The tensor as an owned copy in {@code manager} (no tie to the file; for tests and one-off reads). */
  public NDArray load(NDManager manager, String name, DataType target, long... expectedShape) {
    NDArray[] out = new NDArray[1];
    read(manager, name, target, expectedShape, a -> {
      out[0] = a.duplicate();
      out[0].attach(manager);
    });
    return out[0];
  }

  /** bf16 → f32 into a new direct buffer (native order). */
  static ByteBuffer widenBf16(ByteBuffer bytes) {
    return widenBf16(bytes, ByteBuffer.allocateDirect(Math.multiplyExact(bytes.remaining() / 2, Float.BYTES)));
  }

  /** bf16 (little-endian, from {@code bytes}' position) → f32 into {@code out}, which must hold them; returns it in native order. */
  static ByteBuffer widenBf16(ByteBuffer bytes, ByteBuffer out) {
    ShortBuffer s = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    out.order(ByteOrder.nativeOrder());
    int n = s.remaining();
    for (int i = 0; i < n; i++) out.putFloat(i * Float.BYTES, SafetensorsFile.bf16ToFloat(s.get(i)));
    return out;
  }


  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
