package dev.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.StudyRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study's sections are bound after {@code study:} is read; another study's sections are unknown keys. */
class StudySectionsTest {
  @TempDir Path dir;
  private static final Env ENV = new Env(Map.of("BASE_URL", "http://127.0.0.1:9/v1"), Map.of());

  private static final String KV = """
      study: kv_transition
      output: {exp_group_id: t1}
      engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1}
      dataset: {source: data/fixtures/story_qa.jsonl}
      kv: {policy: full, budgets: [1.0]}
      """;

  private ConfigException fails(String yaml, String... sets) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(f, List.of(sets), ENV));
  }

  @Test
  void kvRejectsOtherStudiesSections() throws Exception {
    for (String[] sec : new String[][] {{"mc", "mc: {batch_size: 2}\n", "mc_eval"}, {"tasks", "tasks: [arc_easy]\n", "mc_eval"},
        {"kl", "kl: {samples: 2}\n", "kl"}, {"prompts", "prompts: {source: x.jsonl}\n", "kl"},
        {"grid", "grid: {n_pairs: 3}\n", "output_control"}, {"engines", "engines: []\n", "kl, mc_eval, output_control"}}) {
      ConfigException e = fails(KV + sec[1]);
      assertEquals(sec[0], e.fieldPath(), e.getMessage());
      assertTrue(e.getMessage().contains("unknown key '" + sec[0] + "' for study kv_transition"), e.getMessage());
      assertTrue(e.getMessage().contains("it is a section of " + sec[2]), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
    }
  }

  @Test
  void anOverrideCannotAddAnotherStudysSection() throws Exception {
    ConfigException e = fails(KV, "mc.batch_size=4");
    assertEquals("mc", e.fieldPath());
  }

  @Test
  void eachStudyRejectsEveryOtherStudysOwnSections() throws Exception {
    for (StudyKind k : StudyKind.values()) {
      for (StudyKind other : StudyKind.values()) {
        for (String sec : other.sections()) {
          if (k.acceptedKeys().contains(sec)) continue;
          Path f = dir.resolve("c.yaml");
          Files.writeString(f, "study: " + k.id() + "\noutput: {exp_group_id: t}\n" + sec + ": {}\n");
          ConfigException e = assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(f, List.of(), ENV));
          assertEquals(sec, e.fieldPath(), k + " with " + sec + ": " + e.getMessage());
          assertTrue(e.getMessage().contains("for study " + k.id()), e.getMessage());
        }
      }
    }
  }

  @Test
  void sectionsAreOwnedOnceExceptEngines() {
    Set<String> seen = new HashSet<>(StudyKind.COMMON);
    for (StudyKind k : StudyKind.values()) {
      for (String s : k.sections()) {
        if (s.equals("engines")) continue;
        assertTrue(seen.add(s), s + " is owned twice");
      }
    }
    // the common record holds the common sections, engines and the study's section; each study's section record
    // (declared in its package) holds exactly the sections StudyKind lists for it, in that order
    List<String> common = new java.util.ArrayList<>();
    for (var rc : ExperimentConfig.class.getRecordComponents()) common.add(rc.getName());
    assertEquals(List.of("study", "output", "engine", "engines", "generation", "analysis", "section"), common);
    for (StudyKind k : StudyKind.values()) {
      List<String> own = new java.util.ArrayList<>();
      for (var rc : StudyRegistry.sectionType(k).getRecordComponents()) {
        own.add(rc.getName().replaceAll("([A-Z])", "_$1").toLowerCase());
      }
      assertEquals(k.sections().stream().filter(x -> !x.equals("engines")).toList(), own, k.id());
    }
  }

  /** The .yaml files directly in {@code dir}, sorted. */
  static List<Path> yamlFiles(String dir) throws Exception {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyExampleConfigLoads() throws Exception {
    List<Path> files = yamlFiles("config/experiments");
    assertTrue(files.size() >= 10, "found " + files);
    Set<String> studies = new HashSet<>();
    for (Path f : files) {
      ExperimentConfig c = StudyRegistry.loadConfig(f, List.of(), new Env(Map.of("BASE_URL", "http://127.0.0.1:9/v1",
          "MODEL_NAME", "m"), Map.of()));
      studies.add(c.study());
      // the snapshot (report configuration section, runs.config_json) is the study's own, in snake_case keys
      var tree = ConfigSnapshot.tree(c);
      StudyKind kind = StudyKind.of(c);
      tree.fieldNames().forEachRemaining(k -> assertTrue(kind.acceptedKeys().contains(k), f + ": " + k));
      assertEquals(!c.engines().isEmpty(), tree.has("engines"), f.toString());
      assertEquals(c.engines().isEmpty(), tree.has("engine"), f.toString());
      for (String own : kind.sections()) {
        if (!own.equals("engines") && !own.equals("limit")) assertTrue(tree.has(own), f + " lacks " + own);
      }
      assertFalse(ConfigSnapshot.json(c).matches("(?s).*\"[a-z]+[A-Z][A-Za-z]*\":.*"), f + " has a camelCase key: "
          + ConfigSnapshot.json(c));
    }
    assertEquals(Set.copyOf(StudyKind.ids()), studies, "the examples cover every study");
  }

  @Test
  void everyFinetuneExampleLoads() throws Exception {
    List<Path> files = yamlFiles("config/finetune");
    assertTrue(files.size() >= 3, "found " + files);
    for (Path f : files) {
      try {
        dev.harness.train.FinetuneConfigLoader.load(f);
      } catch (ConfigException e) {
        // the one thing an example may lack is training data another command writes under runs/
        assertEquals("data.source", e.fieldPath(), f + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("file not found: runs/"), f + ": " + e.getMessage());
      }
    }
  }
}
