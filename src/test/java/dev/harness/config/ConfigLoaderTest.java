package dev.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.StudyRegistry;
import dev.harness.study.kv.KvStudyConfig;
import dev.harness.study.mc.McStudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String VALID = """
      study: kv_transition
      output: {exp_group_id: t1}
      engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1, concurrency: 2}
      dataset: {source: data/fixtures/story_qa.jsonl}
      kv: {policy: snapkv, budgets: [1.0, 0.5], server_fields: {max_cache_tokens: "{budget_tokens}"}}
      """;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final Env NO_ENV = new Env(Map.of(), Map.of());

  @Test
  void loadsWithDefaults() throws Exception {
    ExperimentConfig c = StudyRegistry.loadConfig(write(VALID), List.of(), NO_ENV);
    assertEquals("t1", c.output().expGroupId());
    assertEquals("runs", c.output().root());
    assertEquals(2, c.engine().concurrency());
    assertEquals(120.0, c.engine().timeoutS());
    assertEquals(List.of(1.0, 0.5), c.section(KvStudyConfig.class).kv().budgets());
    assertEquals("kvpress", c.section(KvStudyConfig.class).kv().protocol());
    assertEquals("{budget_tokens}", c.section(KvStudyConfig.class).kv().serverFields().get("max_cache_tokens"));
    assertEquals(5, c.section(KvStudyConfig.class).bins().count());
    assertEquals(128, c.generation().maxTokens());
    assertEquals(0.7, c.analysis().transition().threshold());
    assertEquals("longbench__narrativeqa", c.section(KvStudyConfig.class).dataset().datasetId());
  }

  @Test
  void overridesApplyWithTypes() throws Exception {
    ExperimentConfig c = StudyRegistry.loadConfig(write(VALID),
        List.of("kv.budgets=[1.0, 0.2]", "engine.concurrency=8", "output.exp_group_id=other", "analysis.transition.threshold=0.5"),
        NO_ENV);
    assertEquals(List.of(1.0, 0.2), c.section(KvStudyConfig.class).kv().budgets());
    assertEquals(8, c.engine().concurrency());
    assertEquals("other", c.output().expGroupId());
    assertEquals(0.5, c.analysis().transition().threshold());
  }

  @Test
  void overridesReachIntoListsByIndex() throws Exception {
    String yaml = """
        study: mc_eval
        output: {exp_group_id: t2}
        engines:
          - {name: base, model: m1}
          - {name: lora, model: m1, adapter: a1}
        tasks: [arc_easy]
        seeds: [0, 1]
        """;
    ExperimentConfig c = StudyRegistry.loadConfig(write(yaml),
        List.of("engines[1].adapter=other/dir", "engines[0].concurrency=3", "seeds[1]=7"), NO_ENV);
    assertEquals("other/dir", c.engines().get(1).adapter());
    assertEquals(3, c.engines().get(0).concurrency());
    assertEquals("m1", c.engines().get(1).model());
    assertEquals(List.of(0, 7), c.section(McStudyConfig.class).seeds());
    ConfigException out = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(yaml), List.of("engines[2].adapter=x"), NO_ENV));
    assertEquals("--set engines[2].adapter", out.fieldPath());
    assertTrue(out.getMessage().contains("index 2 is out of range (the list has 2 items)"), out.getMessage());
    ConfigException notList = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(yaml), List.of("output[0].x=1"), NO_ENV));
    assertTrue(notList.getMessage().contains("'output' is not a list"), notList.getMessage());
  }

  @Test
  void unknownKeyNamesThePathAndTheKnownKeys() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID + "generation: {max_tokenz: 5}\n"), List.of(), NO_ENV));
    assertTrue(e.getMessage().startsWith(dir.resolve("c.yaml") + ": generation.max_tokenz: unknown key 'max_tokenz'"), e.getMessage());
    assertTrue(e.getMessage().contains("max_tokens"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void kvRoundingMustBeCeilOrKvpress() throws Exception {
    assertEquals("kvpress", StudyRegistry.loadConfig(write(VALID), List.of("kv.params.rounding=kvpress"), NO_ENV)
        .section(KvStudyConfig.class).kv().params().get("rounding"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("kv.params.rounding=floor"), NO_ENV));
    assertTrue(e.getMessage().contains("kv.params.rounding: expected ceil or kvpress, got 'floor'"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void transitionAlphaDefaultsToFivePercentAndIsRangeChecked() throws Exception {
    assertEquals(0.05, StudyRegistry.loadConfig(write(VALID), List.of(), NO_ENV).analysis().transition().alpha());
    assertEquals(0.01, StudyRegistry.loadConfig(write(VALID), List.of("analysis.transition.alpha=0.01"), NO_ENV)
        .analysis().transition().alpha());
    for (String bad : List.of("0", "1", "1.5", "-0.05")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> StudyRegistry.loadConfig(write(VALID), List.of("analysis.transition.alpha=" + bad), NO_ENV));
      assertTrue(e.getMessage().contains("analysis.transition.alpha: expected a number in (0, 1), got"), e.getMessage());
      assertEquals(2, e.exitCode());
    }
  }

  @Test
  void transitionFamilyDefaultsToTheHeadlineAndIsChecked() throws Exception {
    assertEquals("headline", StudyRegistry.loadConfig(write(VALID), List.of(), NO_ENV).analysis().transition().family());
    assertEquals("all_metrics", StudyRegistry.loadConfig(write(VALID), List.of("analysis.transition.family=all_metrics"),
        NO_ENV).analysis().transition().family());
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("analysis.transition.family=per_bin"), NO_ENV));
    assertTrue(e.getMessage().contains("analysis.transition.family: expected headline or all_metrics, got 'per_bin'"),
        e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void wrongTypeNamesThePathAndTheExpectedType() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID.replace("concurrency: 2", "concurrency: four")), List.of(), NO_ENV));
    assertEquals(dir.resolve("c.yaml") + ": engine.concurrency: expected an integer, got \"four\"", e.getMessage());
  }

  @Test
  void stringIsNotCoercedToNumber() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID.replace("budgets: [1.0, 0.5]", "budgets: [1.0, \"0.5\"]")), List.of(), NO_ENV));
    assertTrue(e.getMessage().contains("kv.budgets[1]: expected a number"), e.getMessage());
  }

  @Test
  void missingRequiredField() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID.replace("output: {exp_group_id: t1}", "output: {root: runs}")), List.of(), NO_ENV));
    assertTrue(e.getMessage().contains("output.exp_group_id: required"), e.getMessage());
  }

  @Test
  void semanticChecksNameTheItem() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("kv.budgets=[1.0, 1.5]"), NO_ENV));
    assertTrue(e.getMessage().endsWith("kv.budgets[1]: expected a fraction in (0, 1], got 1.5"), e.getMessage());
    ConfigException p = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("kv.policy=snap"), NO_ENV));
    assertTrue(p.getMessage().contains("kv.policy: expected one of"), p.getMessage());
    ConfigException q = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("kv.protocol=full"), NO_ENV));
    assertTrue(q.getMessage().endsWith("kv.protocol: expected kvpress or full_prefill, got 'full'"), q.getMessage());
    assertEquals("full_prefill", StudyRegistry.loadConfig(write(VALID), List.of("kv.protocol=full_prefill"), NO_ENV).section(KvStudyConfig.class).kv().protocol());
  }

  @Test
  void invalidYamlGivesLine() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write("study: kv_transition\noutput: [unclosed\n"), List.of(), NO_ENV));
    assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
    assertTrue(e.getMessage().contains("line "), e.getMessage());
  }

  @Test
  void missingFile() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(dir.resolve("nope.yaml"), List.of(), NO_ENV));
    assertEquals(dir.resolve("nope.yaml") + ": config file not found", e.getMessage());
  }

  @Test
  void baseUrlAndModelFromEnvironment() throws Exception {
    String yaml = VALID.replace("engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1, concurrency: 2}",
        "engine: {kind: openai}");
    Env env = new Env(Map.of("BASE_URL", "http://127.0.0.1:8000/v1"), Map.of("MODEL_NAME", "qwen"));
    ExperimentConfig c = StudyRegistry.loadConfig(write(yaml), List.of(), env);
    assertEquals("http://127.0.0.1:8000/v1", c.engine().baseUrl());
    assertEquals("qwen", c.engine().model());
    ConfigException e = assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(write(yaml), List.of(), NO_ENV));
    assertTrue(e.getMessage().contains("engine.model: required"), e.getMessage());
  }

  @Test
  void openAiBaseUrlIsHonouredAndBaseUrlWins() throws Exception {
    String yaml = VALID.replace("engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1, concurrency: 2}",
        "engine: {kind: openai, model: m}");
    Env sdk = new Env(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:8001/v1"), Map.of());
    assertEquals("http://127.0.0.1:8001/v1", StudyRegistry.loadConfig(write(yaml), List.of(), sdk).engine().baseUrl());
    Env both = new Env(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:8001/v1"), Map.of("BASE_URL", "http://127.0.0.1:8002/v1"));
    assertEquals("http://127.0.0.1:8002/v1", StudyRegistry.loadConfig(write(yaml), List.of(), both).engine().baseUrl());
  }

  @Test
  void dotenvParsing() throws Exception {
    Path f = dir.resolve(".env");
    Files.writeString(f, "# comment\nexport BASE_URL=http://x/v1\nMODEL_NAME=\"a b\"\nOPENAI_API_KEY=sk-1 # trailing\n");
    Map<String, String> m = Env.readDotenv(f);
    assertEquals("http://x/v1", m.get("BASE_URL"));
    assertEquals("a b", m.get("MODEL_NAME"));
    assertEquals("sk-1", m.get("OPENAI_API_KEY"));
    Env env = new Env(Map.of("MODEL_NAME", "from-process"), m);
    assertEquals("from-process", env.get("MODEL_NAME").orElseThrow());
  }

  @Test
  void rateLimitFieldsAreReadAndValidated() throws Exception {
    String eng = "engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1, concurrency: 2}";
    ExperimentConfig c = StudyRegistry.loadConfig(write(VALID.replace(eng,
        "engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1, rate_limit: {max_rpm: 600, max_rps: 2.5, burst: 4}}")),
        List.of(), NO_ENV);
    assertEquals(new RateLimitConfig(600, 2.5, 4), c.engine().rateLimit());
    ConfigException rps = assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(write(VALID), List.of("engine.rate_limit.max_rps=0"), NO_ENV));
    assertTrue(rps.getMessage().endsWith("engine.rate_limit.max_rps: expected a number > 0 (requests per second) or null, got 0.0"), rps.getMessage());
    ConfigException burst = assertThrows(ConfigException.class, () -> StudyRegistry.loadConfig(write(VALID), List.of("engine.rate_limit.burst=3"), NO_ENV));
    assertTrue(burst.getMessage().endsWith("engine.rate_limit.burst: needs max_rps (or max_rpm) to set the token bucket's rate"), burst.getMessage());
    assertEquals(1, burst.getMessage().lines().count());
    ConfigException zero = assertThrows(ConfigException.class,
        () -> StudyRegistry.loadConfig(write(VALID), List.of("engine.rate_limit.max_rps=1", "engine.rate_limit.burst=0"), NO_ENV));
    assertTrue(zero.getMessage().endsWith("engine.rate_limit.burst: expected an integer >= 1 or null, got 0"), zero.getMessage());
  }
}
