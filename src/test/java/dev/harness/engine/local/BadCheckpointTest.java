package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.model.Models;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.CheckpointException;
import dev.harness.engine.local.weights.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Broken model directories fail with one line naming the file (and the tensor). */
class BadCheckpointTest {
  @TempDir Path tmp;

  private Path good() throws Exception { return RandomCheckpoints.write(tmp.resolve("m"), RandomCheckpoints.llama(), 1); }

  private static CheckpointException fails(Executable e, String... mustContain) {
    CheckpointException ex = assertThrows(CheckpointException.class, e);
    String msg = ex.getMessage();
    assertTrue(msg.lines().count() == 1, "one line: " + msg);
    for (String s : mustContain) assertTrue(msg.contains(s), "'" + msg + "' should name " + s);
    return ex;
  }

  private static void load(Path dir) {
    try (NDManager m = NDManager.newBaseManager()) {
      Models.load(dir, m, DataType.FLOAT32).close();
    }
  }

  @Test
  void truncatedFile() throws Exception {
    Path dir = good();
    Path f = dir.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length - 100));
    fails(() -> load(dir), f.toString(), "lm_head.weight", "truncated");
  }

  @Test
  void headerLyingAboutSizes() throws Exception {
    Path f = tmp.resolve("model.safetensors");
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}";
    write(f, header, new byte[16]);
    fails(() -> Checkpoint.open(tmp).close(), f.toString(), "'w'", "24");
  }

  @Test
  void headerLengthBeyondFileAndGarbageJson() throws Exception {
    Path f = tmp.resolve("model.safetensors");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    fails(() -> Checkpoint.open(tmp).close(), f.toString(), "header length");
    write(f, "{not json", new byte[0]);
    fails(() -> Checkpoint.open(tmp).close(), f.toString(), "JSON");
  }

  @Test
  void unknownArchitecture() throws Exception {
    Path dir = good();
    ObjectNode cfg = RandomCheckpoints.config(RandomCheckpoints.llama());
    cfg.putArray("architectures").add("MambaForCausalLM");
    RandomCheckpoints.JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    fails(() -> load(dir), dir.resolve("config.json").toString(), "MambaForCausalLM");
  }

  @Test
  void missingTensorAndWrongShape() throws Exception {
    var spec = RandomCheckpoints.llama();
    Map<String, RandomCheckpoints.T> w = RandomCheckpoints.tensors(spec, 2);
    w.remove("model.layers.1.mlp.up_proj.weight");
    Path dir = RandomCheckpoints.write(tmp.resolve("missing"), RandomCheckpoints.config(spec), w, DType.F32);
    fails(() -> load(dir), "model.safetensors", "model.layers.1.mlp.up_proj.weight", "missing");
    ObjectNode cfg = RandomCheckpoints.config(spec);
    cfg.put("intermediate_size", 40);
    Path dir2 = RandomCheckpoints.write(tmp.resolve("shape"), cfg, RandomCheckpoints.tensors(spec, 2), DType.F32);
    fails(() -> load(dir2), "model.safetensors", "gate_proj.weight", "[48, 32]", "config.json");
  }

  @Test
  void noWeights() {
    fails(() -> Checkpoint.open(tmp).close(), tmp.toString(), "model.safetensors");
  }

  private static void write(Path f, String header, byte[] data) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Files.write(f, b.array());
  }
}
