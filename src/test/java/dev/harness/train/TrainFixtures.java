package dev.harness.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.TensorEntry;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Shared helpers for the train tests: the tiny models in ../shared/models and raw safetensors reads. */
final class TrainFixtures {
  static final Path MODELS = Path.of("../shared/models");

  private TrainFixtures() {}

  static Path model(String name) {
    Path d = MODELS.resolve(name);
    Assumptions.assumeTrue(Files.isDirectory(d), "SKIPPED: " + d.toAbsolutePath() + " is absent");
    return d;
  }

  static JsonNode golden(Path dir) throws IOException {
    return new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
  }

  static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
    return out;
  }

  static float[] floats(JsonNode n) {
    float[] out = new float[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) n.get(i).asDouble();
    return out;
  }

  /** Every float32 tensor of a safetensors file, by name (shape ignored). */
  static Map<String, float[]> tensors(Path file) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (TensorEntry e : f.entries().values()) {
        FloatBuffer fb = f.map(e).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] v = new float[fb.remaining()];
        fb.get(v);
        out.put(e.name(), v);
      }
    }
    return out;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) throw new AssertionError("lengths " + a.length + " vs " + b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
}
