package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad mc_eval configs: exit 2, one line naming the file and the field path; nothing is written. */
class McConfigTest {
  @TempDir Path dir;

  String fails(String body) throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "study: mc_eval\noutput: {exp_group_id: bad, root: " + dir.resolve("runs") + "}\n"
        + "engines:\n  - {name: base, kind: local, model: ../shared/models/tiny-llama-gqa}\n" + body);
    StringWriter err = new StringWriter();
    assertEquals(2, McEvalEndToEndTest.run(new StringWriter(), err, "prepare", "-c", cfg.toString()), err.toString());
    assertTrue(Files.notExists(dir.resolve("runs/bad/mc_eval.sqlite")), "nothing written");
    String e = err.toString().strip();
    assertTrue(e.startsWith("error: " + cfg), e);
    return e;
  }

  @Test
  void errorsNameTheFieldPath() throws Exception {
    assertTrue(fails("tasks: [arc_easy, arc_hard]\n").contains("tasks[1]"));
    assertTrue(fails("tasks: [arc_easy, arc_hard]\n").contains("expected one of [arc_easy, arc_challenge, truthfulqa_mc1, truthfulqa_mc2], got 'arc_hard'"));
    assertTrue(fails("tasks: []\n").contains("tasks"));
    assertTrue(fails("tasks: [arc_easy]\nlimit: 0\n").contains("limit"));
    assertTrue(fails("tasks: [arc_easy]\nseeds: [0, 0]\n").contains("seeds[1]"));
    assertTrue(fails("tasks: [arc_easy]\nmc: {sources: {arc_hard: x.jsonl}}\n").contains("mc.sources.arc_hard"));
    assertTrue(fails("tasks: [arc_easy]\nmc: {batch_size: 0}\n").contains("mc.batch_size"));
    assertTrue(fails("tasks: [arc_easy]\nmc: {subset: last}\n").contains("mc.subset"));
    assertTrue(fails("tasks: [arc_easy]\nmc: {baseline: nope}\n").contains("mc.baseline"));
    assertTrue(fails("tasks: [arc_easy]\nmc: {batch: 3}\n").contains("mc.batch"));
  }

  @Test
  void aBadDocumentFailsPrepareWithoutWritingAnyTask() throws Exception {
    Path arc = dir.resolve("arc.jsonl");
    Files.writeString(arc, "{\"id\":\"a\",\"question\":\"q?\",\"choices\":{\"text\":[\"x\",\"y\"],\"label\":[\"A\",\"B\"]},\"answerKey\":\"A\"}\n");
    Path tqa = dir.resolve("tqa.json");
    Files.writeString(tqa, "[{\"question\": \"q\", \"mc1_targets\": {\"a\": 1}, \"mc2_targets\": {\"a\": 2}}]");
    Path cfg = dir.resolve("data.yaml");
    Files.writeString(cfg, "study: mc_eval\noutput: {exp_group_id: data, root: " + dir.resolve("runs") + "}\n"
        + "engines:\n  - {name: base, kind: local, model: ../shared/models/tiny-llama-gqa}\n"
        + "tasks: [arc_easy, truthfulqa_mc2]\nmc: {sources: {arc_easy: " + arc + ", truthfulqa_mc2: " + tqa + "}}\n");
    StringWriter err = new StringWriter();
    assertEquals(1, McEvalEndToEndTest.run(new StringWriter(), err, "prepare", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains(tqa + " document 0 mc2_targets.a: expected a label 0 or 1, got 2"), err.toString());
    try (dev.harness.store.Store s = dev.harness.store.Store.open(dir.resolve("runs/data/mc_eval.sqlite"), McSchema.CHAIN)) {
      assertEquals(0, new dev.harness.study.mc.McTables(s).itemCount("arc_easy"), "arc_easy was read fine but not written");
    }
  }
}
