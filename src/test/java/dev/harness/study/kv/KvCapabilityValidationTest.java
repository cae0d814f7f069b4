package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv_transition's {@code answer_loglik} needs the engine's {@code CompressedLoglik} capability; an openai engine lacks
 * it, so the config is refused at validation: exit 2, one line naming the engine and the capability, and no store or
 * output folder written. (Before capabilities, {@code prepare} wrote the store and {@code run} then refused.)
 */
class KvCapabilityValidationTest {
  @TempDir Path dir;

  @Test
  void answerLoglikOnAnHttpEngineExitsTwoBeforeAnythingIsWritten() throws Exception {
    Path data = dir.resolve("d.jsonl");
    Files.writeString(data, "{\"_id\":\"e0\",\"input\":\"Who?\",\"context\":\"Mara found it.\",\"answers\":[\"Mara\"],"
        + "\"length\":3,\"dataset\":\"narrativeqa\",\"language\":\"en\",\"all_classes\":null}\n");
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, """
        study: kv_transition
        output: {exp_group_id: caps, root: %s}
        engine: {kind: openai, model: m, base_url: 'http://127.0.0.1:9/v1'}
        dataset: {name: longbench, task: narrativeqa, source: %s}
        kv: {policy: snapkv, budgets: [1.0]}
        scoring: {metrics: [f1, answer_loglik]}
        """.formatted(dir.resolve("runs"), data));
    for (String phase : new String[] {"prepare", "all"}) {
      StringWriter out = new StringWriter(), err = new StringWriter();
      int rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), phase, "-c", cfg.toString());
      assertEquals(2, rc, err.toString());
      String[] lines = err.toString().strip().split("\n");
      assertEquals(1, lines.length, err.toString());
      assertTrue(lines[0].contains("scoring.metrics"), lines[0]);
      assertTrue(lines[0].contains("capability CompressedLoglik (log-likelihood through a compressed KV cache)"), lines[0]);
      assertTrue(lines[0].contains("engine (kind openai, model m) lacks"), lines[0]);
      assertFalse(Files.exists(dir.resolve("runs")), "nothing may be written for a config that exits 2");
    }
  }
}
