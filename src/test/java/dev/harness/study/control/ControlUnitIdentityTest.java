package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * output_control run identity against {@link ControlMockApi}'s server (12 items, one HTTP variant): each
 * identity component, changed, re-sends the 12 units carrying the new value; nothing changed sends nothing;
 * {@code --force run} re-sends all; old rows are kept and the summary counts only current units (n=12).
 */
class ControlUnitIdentityTest {
  @TempDir Path dir;
  @RegisterExtension final ControlMockApi api = new ControlMockApi();


  int all(Path cfg, String... extra) {
    List<String> args = new ArrayList<>(List.of("all", "-c", cfg.toString()));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    assertEquals(0, ControlEndToEndTest.run(new StringWriter(), err, args.toArray(String[]::new)), err.toString());
    return api.bodies.size();
  }

  static Stream<Arguments> components() {
    return Stream.of(
        Arguments.of("control.top_logprobs=6", "\"top_logprobs\":6"),
        Arguments.of("engines[0].model=m2", "\"model\":\"m2\""),
        Arguments.of("engines[0].base_url=BASE/v2/", "\"model\":\"m\""),
        Arguments.of("control.store_top=7", "\"top_logprobs\":5"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("components")
  void aChangedComponentResendsEveryUnitWithTheNewValue(String set, String carried) throws Exception {
    Path cfg = api.config(dir);
    assertEquals(12, all(cfg));
    assertEquals(12, all(cfg), "nothing changed: nothing sent");
    String s = set.replace("BASE", api.server.url("").toString().replaceAll("/$", ""));
    assertEquals(24, all(cfg, "--set", s), set);
    for (String b : api.bodies.subList(12, 24)) assertTrue(b.contains(carried), set + ": " + b);
    assertEquals(24, all(cfg, "--set", s), "rerun of the changed config: nothing sent");
    try (Store st = Store.open(dir.resolve("runs/api/output_control.sqlite"), ControlSchema.CHAIN)) {
      assertEquals(24, new ControlTables(st).responses().size(), "old rows kept");
      assertEquals(12, new ControlTables(st).results().size(), "scored: current units only");
    }
    String report = Files.readString(dir.resolve("runs/api/report.md"));
    assertTrue(report.contains("12 units of the current configuration (12 with stored rows); 12 stored rows from other"
        + " configurations are kept and not used"), report);
  }

  @Test
  void forceRunResendsEveryCurrentUnit() throws Exception {
    Path cfg = api.config(dir);
    assertEquals(12, all(cfg));
    assertEquals(24, all(cfg, "--force", "run"));
    try (Store st = Store.open(dir.resolve("runs/api/output_control.sqlite"), ControlSchema.CHAIN)) {
      assertEquals(12, new ControlTables(st).responses().size(), "same identity: replaced");
    }
  }
}
