package dev.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harness.study.StudyRegistry;
import dev.harness.train.FinetuneConfig;
import dev.harness.train.FinetuneConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${output.root}} in study and finetune configs: the default root, the {@code --set} root, bad references. */
class OutputRootRefsTest {
  @TempDir Path dir;
  static final Env NO_ENV = new Env(Map.of(), Map.of());

  Path study(String adapter) throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, """
        study: mc_eval
        output: {exp_group_id: t}
        engines:
          - {name: base, kind: local, model: m}
          - {name: lora, kind: local, model: m, adapter: "%s"}
        tasks: [arc_easy]
        mc: {sources: {arc_easy: x.jsonl}}
        """.formatted(adapter));
    return f;
  }

  @Test
  void aStudyConfigsReferenceFollowsTheEffectiveRoot() throws Exception {
    Path f = study("${output.root}/adapters/a");
    assertEquals("runs/adapters/a", StudyRegistry.loadConfig(f, List.of(), NO_ENV).engines().get(1).adapter(), "default root");
    assertEquals("/tmp/x/adapters/a",
        StudyRegistry.loadConfig(f, List.of("output.root=/tmp/x"), NO_ENV).engines().get(1).adapter(), "--set root");
    assertEquals("/tmp/y/adapters/a", StudyRegistry.loadConfig(f, List.of("output.root=/tmp/y", "engines[1].adapter=${output.root}/adapters/a"),
        NO_ENV).engines().get(1).adapter(), "a reference given by --set resolves too");
  }

  @Test
  void anUnknownOrUnclosedReferenceIsAConfigErrorNamingTheField() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(study("${output.rot}/a"), List.of(), NO_ENV));
    assertEquals(2, e.exitCode());
    assertEquals(dir.resolve("s.yaml") + ": engines[1].adapter: unknown reference '${output.rot}' (the one supported is ${output.root})",
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(study("${output.root/a"), List.of(), NO_ENV));
    assertEquals(dir.resolve("s.yaml") + ": engines[1].adapter: unclosed reference in '${output.root/a' (expected ${output.root})",
        e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(study("a"), List.of("output.root=${output.root}/x"), NO_ENV));
    assertEquals("output.root", e.fieldPath());
  }

  @Test
  void finetuneDataAndOutputFollowTheRoot() throws Exception {
    Path data = dir.resolve("r/split.jsonl");
    Files.createDirectories(data.getParent());
    Files.writeString(data, "{\"prompt\": \"a\", \"response\": \"b\"}\n");
    Path f = dir.resolve("ft.yaml");
    Files.writeString(f, """
        model: m
        output: {dir: "${output.root}/adapters/x"}
        train: {max_steps: 1}
        data: {source: "${output.root}/split.jsonl"}
        """);
    FinetuneConfig c = FinetuneConfigLoader.load(f, List.of("output.root=" + dir.resolve("r")));
    assertEquals(dir.resolve("r/adapters/x"), c.output().resolve());
    assertEquals(data.toString(), c.data().source());
    // exp_group_id instead of dir: <output.root>/adapters/<exp_group_id>, root runs by default
    Files.writeString(f, "model: m\noutput: {exp_group_id: e}\ntrain: {max_steps: 1}\ndata: {source: " + data + "}\n");
    assertEquals(Path.of("runs/adapters/e"), FinetuneConfigLoader.load(f).output().resolve());
    assertEquals(dir.resolve("r/adapters/e"), FinetuneConfigLoader.load(f, List.of("output.root=" + dir.resolve("r"))).output().resolve());
  }
}
