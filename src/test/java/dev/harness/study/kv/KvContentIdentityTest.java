package dev.harness.study.kv;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv_transition's unit identity carries the checkpoint's content ({@code EngineIdentity}, as the other studies): on a
 * local copy of door-qa-llama, a new mtime alone re-sends nothing; one flipped weight bit (same path, same size)
 * re-sends every unit, keeps the old rows, and the report counts only the current ones.
 */
class KvContentIdentityTest {
  static final Path DOOR = Path.of("data/fixtures/models/door-qa-llama");
  @TempDir Path dir;

  @Test
  void checkpointBytesAreInTheIdentityItsMtimeIsNot() throws Exception {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    try (Stream<Path> s = Files.list(DOOR)) {
      for (Path f : s.toList()) Files.copy(f, model.resolve(f.getFileName().toString()));
    }
    Path cfg = dir.resolve("kv.yaml");
    Files.writeString(cfg, """
        study: kv_transition
        output: {exp_group_id: content, root: %s}
        engine: {kind: local, model: %s, endpoint: completions, concurrency: 1}
        dataset: {name: door_qa, task: narrativeqa, source: data/fixtures/door_qa.jsonl}
        bins: {count: 1}
        sampling: {strategy: uniform, n_per_bin: 3, seed: 42}
        kv: {policy: snapkv, budgets: [1.0, 0.5], params: {window: 32, kernel: 7, pooling: avgpool}}
        generation: {max_tokens: 4}
        analysis: {bootstrap_iters: 200}
        """.formatted(dir.resolve("runs"), model));
    Path db = dir.resolve("runs/content/kv_transition.sqlite");

    assertTrue(all(cfg).contains("6 units sent"), "3 items x 2 budgets");
    assertTrue(all(cfg).contains("[run] skipped"), "nothing changed: nothing sent");

    Path weights = model.resolve("model.safetensors");
    Files.setLastModifiedTime(weights, FileTime.fromMillis(1_000_000_000L));
    assertTrue(all(cfg).contains("[run] skipped"), "a checkpoint's mtime alone is not its content");
    assertEquals(6, responses(db));

    flipFirstDataByte(weights);
    String log = all(cfg);
    assertTrue(log.contains("6 units sent"), "checkpoint bytes edited in place: every unit re-sent: " + log);
    assertEquals(12, responses(db), "old rows kept");
    assertTrue(all(cfg).contains("[run] skipped"), "the edited checkpoint, rerun: nothing sent");
    String report = Files.readString(dir.resolve("runs/content/report.md"));
    assertTrue(report.contains("6 units of the current configuration (6 with stored rows); 6 stored rows from other"
        + " configurations are kept and not used"), report);
  }

  static String all(Path cfg) {
    List<String> args = new ArrayList<>(List.of("all", "-c", cfg.toString()));
    StringWriter err = new StringWriter();
    assertEquals(0, KvTransitionEndToEndTest.run(new StringWriter(), err, args.toArray(String[]::new)), err.toString());
    return err.toString();
  }

  static long responses(Path db) {
    try (Store s = Store.open(db, KvSchema.CHAIN)) {
      return s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM responses")) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      });
    }
  }

  /** Flips the lowest bit of the first tensor byte (after the 8-byte length and the JSON header). */
  static void flipFirstDataByte(Path safetensors) throws Exception {
    byte[] b = Files.readAllBytes(safetensors);
    long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    b[(int) (8 + n)] ^= 1;
    Files.write(safetensors, b);
  }
}
