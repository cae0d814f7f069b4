package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kl_adapter case on the local tiny models: {@code --set 'engines[1].adapter=OTHER'} re-samples only the
 * adapter variant and re-scores the base's unchanged samples under it (base samples are not re-sent); editing the
 * adapter's weights in place (same path) does the same; touching its mtime alone does nothing; editing the
 * checkpoint's bytes re-samples both variants. Mean divergence is computed from current rows only.
 */
class KlLocalIdentityTest {
  static final Path LORA = Path.of("../shared/models/tiny-llama-gqa-lora");
  @TempDir Path dir;

  /** The prompts and a two-variant local config: base on {@code model}, lora on {@code model} with {@code adapter}. */
  Path config(Path model, Path adapter) throws Exception {
    Path prompts = dir.resolve("p.json");
    Files.writeString(prompts, "[{\"user\": \"hello there\"}, {\"user\": \"a second prompt\"}]");
    Path cfg = dir.resolve("kl.yaml");
    Files.writeString(cfg, """
        study: kl
        output: {exp_group_id: local, root: %s}
        engines:
          - {name: base, kind: local, model: %s, endpoint: completions, concurrency: 1}
          - {name: lora, kind: local, model: %s, adapter: %s, endpoint: completions, concurrency: 1}
        prompts: {source: %s, field: user}
        generation: {max_tokens: 4, temperature: 1.0, top_p: 1.0, seed: 0, max_prompt_tokens: 32}
        kl: {samples: 2, estimator: mc, top_logprobs: 4, top_n: 2}
        analysis: {bootstrap_iters: 100}
        """.formatted(dir.resolve("runs"), model, model, adapter, prompts));
    return cfg;
  }

  @Test
  void adapterPathAdapterContentAndCheckpointContentAreInTheIdentity() throws Exception {
    for (Path p : List.of(KlStudyLocalTest.GQA, LORA)) Assumptions.assumeTrue(Files.exists(p), "SKIPPED: " + p);
    Path model = copy(KlStudyLocalTest.GQA, dir.resolve("model"));
    Path lora = copy(LORA, dir.resolve("lora"));
    Path other = copy(LORA, dir.resolve("other"));
    Path cfg = config(model, lora);
    Path db = dir.resolve("runs/local/kl.sqlite");

    all(cfg);
    assertEquals(List.of(4L, 4L, 8L), counts(db), "base, lora samples; cross scores");
    String set = "engines[1].adapter=" + other;
    String log = all(cfg, "--set", set);
    assertTrue(log.contains("4 samples sent"), "only the adapter variant is re-sampled: " + log);
    assertTrue(log.contains("8 samples scored under the other variant"), "base's 4 under the new adapter + new 4: " + log);
    assertEquals(List.of(4L, 8L, 16L), counts(db), "old rows kept");
    assertTrue(all(cfg, "--set", set).contains("[run] skipped"), "nothing changed: nothing sent");

    Files.setLastModifiedTime(other.resolve("adapter_model.safetensors"), FileTime.fromMillis(1_000_000_000L));
    assertTrue(all(cfg, "--set", set).contains("[run] skipped"), "an adapter's mtime alone is not its content");

    flipFirstDataByte(other.resolve("adapter_model.safetensors"));
    log = all(cfg, "--set", set);
    assertTrue(log.contains("4 samples sent"), "adapter weights edited in place: " + log);
    assertEquals(List.of(4L, 12L, 24L), counts(db));

    flipFirstDataByte(model.resolve("model.safetensors"));
    log = all(cfg, "--set", set);
    assertTrue(log.contains("8 samples sent"), "checkpoint bytes edited: both variants: " + log);
    try (Store s = Store.open(db, KlSchema.CHAIN)) {
      for (KlTables.DivergenceRow d : new KlTables(s).divergences()) assertEquals(2, d.nSamples(), d.toString());
    }
    String report = Files.readString(dir.resolve("runs/local/report.md"));
    // both counts are samples: 16 old samples (lora x3, base x1); the 24 old cross scores are their own figure
    assertTrue(report.contains("8 samples of the current configuration (8 with stored rows); 16 stored samples from other"
        + " configurations are kept and not used; 24 cross scores of other configurations are kept and not used"), report);
  }

  /**
   * Quantization, dtype, merge mode and endpoint of the adapter variant: each, changed, re-samples only that variant's
   * 4 units (and re-scores the pair's 8 cross scores, since the scorer changed too); the base variant is not re-sent.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"engines[1].quantization=nf4", "engines[1].dtype=float16",
      "engines[1].lora_merge=true", "engines[1].endpoint=chat"})
  void engineSettingsAreInTheIdentity(String set) throws Exception {
    for (Path p : List.of(KlStudyLocalTest.GQA, LORA)) Assumptions.assumeTrue(Files.exists(p), "SKIPPED: " + p);
    Path cfg = config(KlStudyLocalTest.GQA, LORA);
    Path db = dir.resolve("runs/local/kl.sqlite");
    all(cfg);
    String log = all(cfg, "--set", set);
    assertTrue(log.contains("4 samples sent"), set + ": only the changed variant is re-sampled: " + log);
    assertTrue(log.contains("8 samples scored under the other variant"), set + ": " + log);
    assertEquals(List.of(4L, 8L, 16L), counts(db), set + ": old rows kept, base not re-sent");
    assertTrue(all(cfg, "--set", set).contains("[run] skipped"), set + ": nothing changed: nothing sent");
  }

  static String all(Path cfg, String... extra) {
    List<String> args = new ArrayList<>(List.of("all", "-c", cfg.toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, args.toArray(String[]::new)), err.toString());
    return err.toString();
  }

  static List<Long> counts(Path db) {
    try (Store s = Store.open(db, KlSchema.CHAIN)) {
      long base = s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM samples WHERE variant = 'base'")) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      });
      KlTables t = new KlTables(s);
      return List.of(base, t.count("samples") - base, t.count("cross_scores"));
    }
  }

  static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
        to.resolve(f.getFileName().toString()).toFile().setWritable(true);
      }
    }
    return to;
  }

  /** Flips the lowest bit of the first tensor byte (after the 8-byte length and the JSON header): a tiny weight edit. */
  static void flipFirstDataByte(Path safetensors) throws Exception {
    byte[] b = Files.readAllBytes(safetensors);
    long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    b[(int) (8 + n)] ^= 1;
    Files.write(safetensors, b);
  }
}
