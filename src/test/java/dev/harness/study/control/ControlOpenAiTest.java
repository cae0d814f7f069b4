package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OpenAI-compatible engine: the request asks for {@code top_logprobs} with the prefill as a final assistant
 * message, and the top-k answer ( " red" 0.7, " blue" 0.3) is scored by hand: random words sorted against
 * [max, min] → TVD 0 at p 30 / 70, ½(0.2 + 0.2) = 0.2 at p 50 (passes r 20 only).
 */
class ControlOpenAiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  @RegisterExtension final ControlMockApi api = new ControlMockApi();

  @Test
  void topLogprobsFromTheServerAreScored() throws Exception {
    Path cfg = api.config(dir);
    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertEquals(12, api.bodies.size());
    JsonNode req = JSON.readTree(api.bodies.get(0));
    assertEquals(5, req.path("top_logprobs").asInt(), api.bodies.get(0));
    JsonNode msgs = req.path("messages");
    JsonNode last = msgs.get(msgs.size() - 1);
    assertEquals("assistant", last.path("role").asText());
    assertEquals(ControlPrompts.PREFILL, last.path("content").asText());

    String overall = Files.readAllLines(dir.resolve("runs/api/output_control_simple_metrics.csv")).stream()
        .filter(l -> l.startsWith("api,all,all,")).findFirst().orElseThrow();
    String[] o = overall.split(",");
    assertEquals(12, Integer.parseInt(o[3]));
    assertEquals(10, Integer.parseInt(o[4]), "p 30 and 70 pass at both r; p 50 passes r 20 only (2 seeds)");
    // mean TVD: 4 of 12 items (p 50) at 0.2, the rest 0
    assertEquals(0.8 / 12, Double.parseDouble(o[8]), 1e-9);
  }

  @Test
  void failedUnitsAreDataAndTheNextRunRetriesOnlyThem() throws Exception {
    Path cfg = api.config(dir);
    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, "prepare", "-c", cfg.toString()), err.toString());
    // every request fails: run exits 1, the failures are stored
    api.failWhen = "";
    StringWriter err1 = new StringWriter();
    assertEquals(1, ControlEndToEndTest.run(new StringWriter(), err1, "run", "-c", cfg.toString()));
    assertTrue(err1.toString().contains("every request failed"), err1.toString());
    // one seed's items (p 30/50/70 × r 10/20 = 6) keep failing; the other 6 succeed
    String seedText;
    try (dev.harness.store.Store s = dev.harness.store.Store.open(dir.resolve("runs/api/output_control.sqlite"), ControlSchema.CHAIN)) {
      dev.harness.study.control.ControlTables t = new dev.harness.study.control.ControlTables(s);
      assertEquals(12, t.responses().stream().filter(r -> r.status().equals("error")).count());
      Long seed = t.items().get(0).seed();
      seedText = "it's " + seed + ".";
    }
    api.failWhen = seedText;
    api.bodies.clear();
    StringWriter err2 = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err2, "all", "-c", cfg.toString()), err2.toString());
    assertEquals(12, api.bodies.size(), "failed units are retried: " + err2);
    String report = Files.readString(dir.resolve("runs/api/report.md"));
    // the 6 answered items of the other seed: 5 pass (p 50 fails r 10), mean TVD (0.2 + 0.2) / 6; 6 failed units
    assertTrue(report.contains("| api | openai m | 0.833 [0.436, 0.970] (n=6) | 0.067 [0.000, 0.133] (n=6) | 6 |"), report);
    // the server recovers: run sends only the 6 failed units
    api.failWhen = null;
    api.bodies.clear();
    StringWriter err3 = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err3, "run", "-c", cfg.toString()), err3.toString());
    assertEquals(6, api.bodies.size(), err3.toString());
    assertTrue(err3.toString().contains("6 units sent (6 ok, 0 failed), 6 skipped"), err3.toString());
  }
}
