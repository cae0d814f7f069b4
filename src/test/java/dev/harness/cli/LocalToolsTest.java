package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `logprobs` and `generate` through the CLI, checked against transformers' goldens; bad checkpoints exit 1. */
class LocalToolsTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");
  static final Path GPT2 = Path.of("../shared/models/tiny-random-gpt2");
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static void assumeShared(Path p) {
    Assumptions.assumeTrue(Files.isDirectory(p), "SKIPPED: " + p.toAbsolutePath() + " is absent");
  }

  @Test
  void logprobsJsonMatchesTheGolden() throws Exception {
    assumeShared(GQA);
    JsonNode golden = JSON.readTree(GQA.resolve("golden.json").toFile()).get("sequences").get(1); // len7
    String ids = StreamSupport.stream(golden.get("input_ids").spliterator(), false).map(JsonNode::asText)
        .collect(Collectors.joining(","));
    CliTest.Result r = CliTest.run("logprobs", "--model", GQA.toString(), "--ids", ids, "--top-k", "5", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = JSON.readTree(r.out());
    assertEquals(GQA.toString(), doc.get("model").asText());
    assertEquals(golden.get("input_ids"), doc.get("ids"));
    JsonNode positions = doc.get("positions");
    assertEquals(7, positions.size());
    double tol = 2e-3; // 1e-4 x max|logit| ~ 19 (see SOURCE.md); float32 reference error is 4e-4
    for (int i = 0; i < 7; i++) {
      JsonNode p = positions.get(i);
      assertEquals(i, p.get("index").asInt());
      Map<Integer, Double> want = new HashMap<>();
      JsonNode gp = golden.get("positions").get(i);
      for (int k = 0; k < 5; k++) want.put(gp.get("top5_ids").get(k).asInt(), gp.get("top5_logprobs").get(k).asDouble());
      assertEquals(5, p.get("top").size());
      for (JsonNode t : p.get("top")) {
        Double w = want.get(t.get("id").asInt());
        if (w != null) assertEquals(w, t.get("logprob").asDouble(), tol, "position " + i);
      }
      if (i < 6) {
        assertEquals(golden.get("input_ids").get(i + 1).asInt(), p.get("next_id").asInt());
        assertEquals(golden.get("next_token_logprobs").get(i).asDouble(), p.get("next_logprob").asDouble(), tol);
      } else {
        assertTrue(!p.has("next_id"), "the last position has no next token");
      }
    }
    assertEquals(golden.get("sum_logprob").asDouble(), doc.get("sum_logprob").asDouble(), 6 * tol);
  }

  @Test
  void generateIsGreedyAndRepeatable() throws Exception {
    assumeShared(GPT2);
    CliTest.Result a = CliTest.run("generate", "--model", GPT2.toString(), "--prompt", "Once upon a time",
        "--max-tokens", "12", "--json");
    assertEquals(0, a.code(), a.err());
    JsonNode doc = JSON.readTree(a.out());
    assertEquals(12, doc.get("completion_tokens").asInt());
    assertEquals("length", doc.get("finish_reason").asText());
    StringBuilder joined = new StringBuilder();
    doc.get("tokens").forEach(t -> joined.append(t.get("text").asText()));
    assertEquals(doc.get("text").asText(), joined.toString());
    CliTest.Result b = CliTest.run("generate", "--model", GPT2.toString(), "--prompt", "Once upon a time",
        "--max-tokens", "12");
    assertEquals(doc.get("text").asText() + System.lineSeparator(), b.out());
  }

  @Test
  void truncatedCheckpointExits1WithOneLine() throws Exception {
    assumeShared(GPT2);
    Path bad = dir.resolve("bad");
    Files.createDirectories(bad);
    try (var files = Files.list(GPT2)) {
      for (Path f : files.toList()) Files.copy(f, bad.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    byte[] weights = Files.readAllBytes(bad.resolve("model.safetensors"));
    Files.write(bad.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
    CliTest.Result r = CliTest.run("logprobs", "--model", bad.toString(), "--ids", "1,2,3");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("model.safetensors"), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:")).count(), r.err());

    Files.writeString(bad.resolve("config.json"), Files.readString(GPT2.resolve("config.json"))
        .replace("GPT2LMHeadModel", "MambaForCausalLM"));
    Files.copy(GPT2.resolve("model.safetensors"), bad.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
    CliTest.Result u = CliTest.run("logprobs", "--model", bad.toString(), "--ids", "1,2,3");
    assertEquals(1, u.code(), u.err());
    assertTrue(u.err().contains("MambaForCausalLM") && u.err().contains("config.json"), u.err());
  }

  @Test
  void missingModelOffline() {
    CliTest.Result r = CliTest.run("logprobs", "--model", "nobody/no-such-model", "--ids", "1");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("nobody/no-such-model"), r.err());
  }
}
