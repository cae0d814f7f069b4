package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kl run identity over HTTP (two variants a and b, 2 prompts x 2 samples = 8 units): for each identity component,
 * change it, rerun {@code all} in-process, and check that exactly the affected units are re-sent, carrying the new
 * value, that the old rows are kept, and that the divergences count only current units. {@code all} with nothing
 * changed sends nothing; {@code all --force run} re-sends every current unit.
 */
class KlUnitIdentityTest {
  @TempDir Path dir;
  MockWebServer server;
  final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(r -> {
      bodies.add(r.getUrl().encodedPath() + " " + TestServer.body(r));
      return TestServer.json(200, KlStudyHttpTest.chat("m", "P", 0.6, 0.3, true));
    });
  }

  @AfterEach
  void stop() throws Exception { server.close(); }

  Path config() throws Exception {
    return KlHttpConfig.write(dir, server, "kl.yaml", "ident", 1,
        "[{\"user\": \"hello there\"}, {\"user\": \"second prompt\"}]",
        "{max_tokens: 16, temperature: 1.0, top_p: 1.0, seed: 0}", "{samples: 2, estimator: topk_rest, top_logprobs: 2, top_n: 2}",
        100);
  }

  int all(Path cfg, String... extra) {
    List<String> args = new ArrayList<>(List.of("all", "-c", cfg.toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    int code = KlStudyLocalTest.run(new StringWriter(), err, args.toArray(String[]::new));
    assertEquals(0, code, err.toString());
    return bodies.size();
  }

  /** A {@code --set} change, the units it must re-send (of 8), and a string each re-sent request carries. */
  static Stream<Arguments> components() {
    return Stream.of(
        Arguments.of("generation.max_tokens=8", 8, "\"max_tokens\":8"),
        Arguments.of("generation.temperature=0.5", 8, "\"temperature\":0.5"),
        Arguments.of("generation.top_p=0.9", 8, "\"top_p\":0.9"),
        Arguments.of("generation.seed=5", 8, "\"seed\":"),
        Arguments.of("kl.top_logprobs=3", 8, "\"top_logprobs\":3"),
        Arguments.of("engines[1].model=model-c", 4, "\"model\":\"model-c\""),
        Arguments.of("engines[1].base_url=BASE/v2", 4, "/v2/chat/completions"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("components")
  void aChangedComponentResendsExactlyItsUnits(String set, int resent, String carried) throws Exception {
    Path cfg = config();
    assertEquals(8, all(cfg), "2 variants x 2 prompts x 2 samples");
    assertEquals(8, all(cfg), "nothing changed: nothing sent");
    String s = set.replace("BASE", server.url("").toString().replaceAll("/$", ""));
    int after = all(cfg, "--set", s);
    assertEquals(8 + resent, after, set);
    for (String b : bodies.subList(8, after)) assertTrue(b.contains(carried), set + ": " + b);
    if (resent == 4) {
      for (String b : bodies.subList(8, after)) assertTrue(!b.contains("model-a"), "variant a is unchanged: " + b);
    }
    assertEquals(after, all(cfg, "--set", s), "the changed config, rerun: nothing sent");
    try (Store st = Store.open(dir.resolve("runs/ident/kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(st);
      assertEquals(8 + resent, t.count("samples"), "old rows are kept");
      for (KlTables.DivergenceRow d : t.divergences()) assertEquals(2, d.nSamples(), "current units only: " + d);
    }
    String report = Files.readString(dir.resolve("runs/ident/report.md"));
    assertTrue(report.contains("8 samples of the current configuration (8 with stored rows); " + resent
        + " stored samples from other configurations are kept and not used"), report);
  }

  @Test
  void forceRunResendsEveryCurrentUnitAndNothingChangedSendsNothing() throws Exception {
    Path cfg = config();
    assertEquals(8, all(cfg));
    assertEquals(8, all(cfg));
    assertEquals(16, all(cfg, "--force", "run"), "--force run: every unit of the current configuration");
    try (Store st = Store.open(dir.resolve("runs/ident/kl.sqlite"), KlSchema.CHAIN)) {
      assertEquals(8, new KlTables(st).count("samples"), "same identity: the rows are replaced, not added");
    }
    assertEquals(16, all(cfg));
  }

  @Test
  void changedPromptTextResendsOnlyThatPrompt() throws Exception {
    Path cfg = config();
    assertEquals(8, all(cfg));
    Files.writeString(dir.resolve("p.json"), "[{\"user\": \"hello there\"}, {\"user\": \"another prompt\"}]");
    int after = all(cfg);
    assertEquals(12, after, "the changed prompt's 4 units (2 variants x 2 samples)");
    for (String b : bodies.subList(8, 12)) assertTrue(b.contains("another prompt"), b);
    try (Store st = Store.open(dir.resolve("runs/ident/kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(st);
      assertEquals(12, t.count("samples"), "the dropped prompt's samples are kept");
      assertEquals(2, t.prompts().size(), "the current selection only");
      assertEquals(2, t.divergences().size());
    }
    String report = Files.readString(dir.resolve("runs/ident/report.md"));
    assertTrue(report.contains("8 samples of the current configuration (8 with stored rows); 4 stored samples from other"
        + " configurations are kept and not used"), report);
  }

  @Test
  void statusCountsUnitsFromTheStoreAndNamesTheChangedInputs() throws Exception {
    Path cfg = config();
    all(cfg);
    StringWriter out = new StringWriter(), err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(out, err, "status", "-c", cfg.toString()), err.toString());
    assertTrue(out.toString().contains("run: done"), out.toString());
    assertTrue(out.toString().contains("units: 8 of 8 done, 0 failed, 0 missing"), out.toString());
    out = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(out, err, "status", "-c", cfg.toString(), "--set",
        "generation.max_tokens=8"), err.toString());
    String s = out.toString();
    assertTrue(s.contains("run: stale (changed: generation, unit_identity)"), s);
    assertTrue(s.contains("units: 0 of 8 done, 0 failed, 8 missing; 8 stored rows from other configurations"), s);
    assertEquals(8, bodies.size(), "status sends nothing");
  }
}
