package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Host round-trips per generated token (issue 16: none but the sampled id and the requested log-probs). Each decode step
 * is one forward pass whose float32 logits row comes to the host once (sampling, log-probs and stop strings then run on
 * that copy), plus, in float16, one read of the overflow guard's per-layer peaks. So N more tokens cost exactly
 * N × {@link #PER_TOKEN_F32} reads in float32 and N × {@link #PER_TOKEN_F16} in float16, with or without log-probs,
 * KV compression or batching (a batch step is one read for all its sequences). Counted by {@link HostReads}; the
 * source check below makes sure no read bypasses it.
 */
class HostReadsTest {
  static final int PER_TOKEN_F32 = 1;
  static final int PER_TOKEN_F16 = 2;
  static final int[] PROMPT = {1, 5, 9, 2, 7, 11, 3};

  /** Reads made while generating exactly {@code n} tokens (the test fails if the model stopped earlier). */
  static long reads(LocalEngine e, CompletionRequest r) {
    long before = HostReads.count();
    Completion c = e.complete(PROMPT, r);
    long n = HostReads.count() - before;
    assertEquals(r.maxTokens(), c.usage().completionTokens(), "the model stopped before max_tokens; pick another prompt");
    return n;
  }

  static void perToken(LocalEngine e, int expected, java.util.function.IntFunction<CompletionRequest> req, String what) {
    long three = reads(e, req.apply(3));
    long nine = reads(e, req.apply(9));
    assertEquals(6L * expected, nine - three, what + ": reads for 6 more tokens (3 → " + three + ", 9 → " + nine + ")");
  }

  @Test
  void eachGeneratedTokenCostsOneReadInFloat32AndTwoInFloat16() {
    for (String dtype : List.of("float32", "float16")) {
      int per = dtype.equals("float32") ? PER_TOKEN_F32 : PER_TOKEN_F16;
      try (LocalEngine e = LocalEngine.open(Golden.model("tiny-random-llama"), new LocalOptions(dtype, "cpu", null))) {
        perToken(e, per, n -> CompletionRequest.greedy(Prompt.text(""), n), dtype + " greedy");
        perToken(e, per, n -> CompletionRequest.greedy(Prompt.text(""), n).withLogprobs(5), dtype + " with top-5 log-probs");
        perToken(e, per, n -> new CompletionRequest(Prompt.text(""), n, 0.8, 0.9, 7L, List.of(), true, 3, null),
            dtype + " sampled");
        // a whole generation: one prefill forward (the prompt is under one chunk) and a forward per token but the last
        assertEquals(per * (1 + 4), reads(e, CompletionRequest.greedy(Prompt.text(""), 5)), dtype + " 5 tokens in all");
      }
    }
  }

  @Test
  void compressionReadsOnlyAtPrefillAndABatchStepIsOneRead() {
    try (LocalEngine e = LocalEngine.open(Golden.model("tiny-random-llama"), new LocalOptions("float32", "cpu", null))) {
      KvSpec snap = new KvSpec("snapkv", 0.5, Map.of("window", 2), false, null);
      perToken(e, PER_TOKEN_F32, n -> CompletionRequest.greedy(Prompt.text(""), n).withKv(snap), "snapkv");
      List<int[]> prompts = List.of(PROMPT, new int[] {4, 8, 6});
      long before = HostReads.count();
      List<Completion> cs = e.completeBatch(prompts, List.of(CompletionRequest.greedy(Prompt.text(""), 6),
          CompletionRequest.greedy(Prompt.text(""), 6)));
      long n = HostReads.count() - before;
      assertEquals(List.of(6, 6), cs.stream().map(c -> c.usage().completionTokens()).toList());
      assertEquals(1 + 5, n, "one batched prefill read, then one per decode step for both sequences");
    }
  }

  // ---------------------------------------------------------------- every read goes through HostReads

  /**
   * NDArray → host calls; allowed only in HostReads, the checkpoint reader (weights/: load time, reading host byte
   * buffers) and the tokenizer (no NDArrays). Java's Stream.toArray is not in the list, so NDArray.toArray is not either.
   */
  static final Pattern READ = Pattern.compile("\\.(toFloatArray|toByteBuffer|toIntArray|toLongArray|toDoubleArray"
      + "|toBooleanArray|toByteArray|toUint8Array|getFloat|getInt|getLong|getDouble|getBoolean|getByte)\\s*\\(");

  static List<String> bypasses(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String rel = root.relativize(f).toString().replace('\\', '/');
        if (rel.equals("HostReads.java") || rel.startsWith("weights/") || rel.startsWith("tokenizer/")) continue;
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) continue;
          if (READ.matcher(line).find()) out.add(rel + ":" + (i + 1) + ": " + line);
        }
      }
    }
    return out;
  }

  @Test
  void theSourceCheckCatchesADirectRead(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("Bad.java"), String.join("\n",
        "class Bad {",
        "  // x.toFloatArray() in a comment is fine",
        "  float[] a(NDArray x) { return x.toFloatArray(); }",
        "  float b(NDArray x) { return x.getFloat(); }",
        "  float[] ok(NDArray x) { return HostReads.floats(x); }",
        "}"));
    List<String> v = bypasses(tmp);
    assertEquals(2, v.size(), String.join("\n", v));
    assertTrue(v.get(0).startsWith("Bad.java:3:") && v.get(1).startsWith("Bad.java:4:"), String.join("\n", v));
  }

  @Test
  void noForwardPathReadsTheDeviceBehindHostReadsBack() throws IOException {
    Path local = Path.of("src/main/java/dev/harness/engine/local");
    assertTrue(Files.isDirectory(local), "run from the project root");
    List<String> v = bypasses(local);
    assertEquals(List.of(), v, String.join("\n", v));
  }
}
