package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `harness bench` on the tiny shape (small model, small machine probes): no timing is asserted. */
class BenchCommandTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BenchCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  static final String[] TINY = {"--shape", "tiny", "--prefill-tokens", "16", "--decode-tokens", "4", "--repeats", "1",
      "--threads", "1", "--seed", "3"};

  static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void jsonOnTheTinyShapeHasTheExpectedKeys() throws Exception {
    Path keep = tmp.resolve("ckpt");
    Result r = run(with(TINY, "--json", "--keep", keep.toString()));
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    for (String key : List.of("environment", "model", "machine", "engine", "memory", "checks", "sections")) {
      assertTrue(doc.has(key), key + " in " + r.out());
    }
    JsonNode m = doc.get("model");
    assertEquals("generated", m.get("source").asText());
    assertEquals(94_528L, m.get("params").asLong());
    assertEquals(94_528L * 4, m.get("weight_bytes").asLong());
    assertEquals((94_528L - 256 * 64) * 4, m.get("streamed_bytes_per_token").asLong());
    assertEquals(3, m.get("seed").asLong());
    assertEquals(1, doc.get("environment").get("threads").asInt());
    assertEquals("2.7.1 cpu", doc.get("environment").get("libtorch").asText(), "the libtorch that ran");
    JsonNode e = doc.get("engine");
    assertEquals(16, e.get("prefill_tokens").asInt());
    assertEquals(1, e.get("prefill_seconds").size());
    assertEquals(3, e.get("decode_steps").asInt());
    assertTrue(e.get("prefill_tokens_per_second").asDouble() > 0);
    assertTrue(e.get("decode_tokens_per_second_median").asDouble() > 0);
    for (String k : List.of("matmul_gflops", "matvec_gflops", "matvec_gbps", "copy_gbps", "read_gbps")) {
      assertTrue(doc.get("machine").get(k).asDouble() > 0, k);
    }
    assertTrue(doc.get("memory").has("baseline_rss"));
    assertTrue(doc.get("memory").has("peak_rss"));
    // on CPU, GPU memory is unavailable (null with a reason), never a made-up 0
    assertTrue(doc.get("memory").get("gpu_in_use").isNull(), doc.get("memory").toString());
    assertTrue(doc.get("memory").get("gpu_allocator_peak").isNull(), doc.get("memory").toString());
    assertEquals("no GPU (device cpu())", doc.get("memory").get("gpu_unavailable").asText());
    JsonNode checks = doc.get("checks");
    assertEquals(3, checks.size());
    List<String> keys = List.of("prefill_vs_matmul", "decode_vs_bandwidth", "peak_rss_vs_weights");
    for (int i = 0; i < 3; i++) {
      JsonNode c = checks.get(i);
      assertEquals(keys.get(i), c.get("key").asText());
      for (String k : List.of("ratio", "numerator", "denominator", "target", "comparison", "pass", "mark", "formula")) {
        assertTrue(c.has(k), k);
      }
      assertEquals(c.get("numerator").asDouble() / c.get("denominator").asDouble(), c.get("ratio").asDouble(), 1e-9);
    }
    // --keep leaves the generated checkpoint
    assertTrue(Files.isRegularFile(keep.resolve("model.safetensors")));
    assertTrue(Files.isRegularFile(keep.resolve("config.json")));
    assertTrue(Files.isRegularFile(keep.resolve("tokenizer.json")));
  }

  @Test
  void tableOnAGivenModelDirectory() throws Exception {
    Path dir = CheckpointGenerator.write(tmp.resolve("m"), BenchShape.tiny(), 1);
    Result r = run("--model", dir.toString(), "--shape", "tiny", "--prefill-tokens", "8", "--decode-tokens", "3", "--repeats", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("harness bench: " + dir), r.out());
    assertTrue(r.out().contains("RATIOS"), r.out());
    assertTrue(r.out().contains("prefill FLOP/s / matmul rate"), r.out());
    assertTrue(r.out().contains("decode bytes/s / read bandwidth"), r.out());
    assertTrue(r.out().contains("peak RSS / weight bytes"), r.out());
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "a given model is never deleted");
  }

  @Test
  void deviceGpuWithoutOneExits2BeforeAnyCheckpoint() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.harness.engine.local.DeviceChoice.libtorch().gpus() == 0,
        "SKIPPED: DJL sees a GPU here");
    Path keep = tmp.resolve("kept");
    Result r = run(with(TINY, "--device", "gpu", "--keep", keep.toString()));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--device: device gpu asked for, but DJL finds no CUDA GPU (libtorch 2.7.1 cpu)"), r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("WARN")).count(), "one line: " + r.err());
    assertTrue(!Files.exists(keep.resolve("model.safetensors")), "no checkpoint was generated before the device check");
  }

  @Test
  void badUsageExits2() throws Exception {
    assertEquals(2, run("--shape", "huge").code());
    assertEquals(2, run(with(TINY, "--decode-tokens", "1")).code());
    assertEquals(2, run(with(TINY, "--prefill-tokens", "0")).code());
    assertEquals(2, run(with(TINY, "--threads", "0")).code());
    assertEquals(2, run(with(TINY, "--dtype", "int8")).code());
    assertEquals(2, run(with(TINY, "--model", tmp.toString(), "--keep", tmp.resolve("k").toString())).code());
    Files.createDirectories(tmp.resolve("full"));
    Files.writeString(tmp.resolve("full").resolve("x"), "x");
    Result r = run(with(TINY, "--keep", tmp.resolve("full").toString()));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--keep"), r.err());
    // the tiny shape's window is 512 tokens
    Result window = run("--shape", "tiny", "--prefill-tokens", "510", "--decode-tokens", "4", "--repeats", "1");
    assertEquals(2, window.code(), window.err());
    assertTrue(window.err().contains("context window 512"), window.err());
  }
}
