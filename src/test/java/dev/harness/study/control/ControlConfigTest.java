package dev.harness.study.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad grid / words / control sections: exit 2, one line naming the file and the field path, nothing written. */
class ControlConfigTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "grid: {ps: [30, 120]}                        | grid.ps[1]            | [1, 99]",
      "grid: {rs: [0]}                              | grid.rs[0]            | [1, 100]",
      "grid: {cases: [given_words, made_up]}        | grid.cases[1]         | icl_random_words",
      "grid: {cases: []}                            | grid.cases            | non-empty",
      "grid: {variants: [plain, plain]}             | grid.variants[1]      | duplicate",
      "grid: {n_pairs: 0}                           | grid.n_pairs          | >= 1",
      "grid: {train_pairs: -1}                      | grid.train_pairs      | >= 0",
      "grid: {n_pairs: many}                        | grid.n_pairs          | an integer",
      "grid: {colour: red}                          | grid                  | unknown key 'colour'",
      "words: {source: no/such/words.txt}           | words.source          | file not found",
      "words: {min_count: 1}                        | words.min_count       | >= 2",
      "control: {top_logprobs: 30}                  | control.top_logprobs  | [5, 20]",
      "control: {top_logprobs: 4}                   | control.top_logprobs  | [5, 20]",
      "control: {scorer: sad}                       | control.scorer        | sad_compat",
      "control: {prompt_format: xml}                | control.prompt_format | chat",
      "control: {blocklist: ['']}                   | control.blocklist[0]  | non-empty",
  })
  void badSectionExitsTwoWithTheFieldPath(String section, String path, String expected) throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, """
        study: output_control
        output: {exp_group_id: bad, root: %s}
        engine: {kind: local, model: ../shared/models/tiny-llama-gqa}
        %s
        """.formatted(dir.resolve("runs"), section));
    StringWriter err = new StringWriter();
    int code = ControlEndToEndTest.run(new StringWriter(), err, "prepare", "-c", cfg.toString());
    assertEquals(2, code, err.toString());
    String msg = err.toString();
    assertTrue(msg.contains(cfg.toString()), msg);
    assertTrue(msg.contains(path), msg);
    assertTrue(msg.contains(expected), msg);
    assertFalse(Files.exists(dir.resolve("runs/bad/output_control.sqlite")), "nothing written");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chat  | completions | engines[1].endpoint | needs endpoint chat",
      "plain | chat        | engines[1].endpoint | needs endpoint completions",
  })
  void promptFormatMustSuitTheHttpEndpoint(String format, String endpoint, String path, String expected) throws Exception {
    Path cfg = dir.resolve("http.yaml");
    Files.writeString(cfg, """
        study: output_control
        output: {exp_group_id: bad, root: %s}
        engines:
          - {name: local, kind: local, model: ../shared/models/tiny-llama-gqa}
          - {name: api, kind: openai, model: m, base_url: "http://127.0.0.1:9/v1", endpoint: %s}
        control: {prompt_format: %s}
        """.formatted(dir.resolve("runs"), endpoint, format));
    StringWriter err = new StringWriter();
    assertEquals(2, ControlEndToEndTest.run(new StringWriter(), err, "prepare", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains(path) && err.toString().contains(expected), err.toString());
  }
}
