package dev.harness.study.control;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the output_control study's sections once the config's shape is right. */
public final class ControlValidation {
  static final List<String> FORMATS = List.of("chat", "plain");
  static final List<String> SCORERS = List.of("tvd", "tvd_renormalized", "sad_compat");

  private ControlValidation() {}

  public static void validate(ExperimentConfig c, String file) {
    GridConfig g = c.section(ControlStudyConfig.class).grid();
    nonEmptyDistinct(g.cases(), "grid.cases", file);
    for (int i = 0; i < g.cases().size(); i++) {
      if (!GridConfig.CASES.contains(g.cases().get(i))) {
        fail(file, "grid.cases[" + i + "]", "expected one of " + GridConfig.CASES + ", got '" + g.cases().get(i) + "'");
      }
    }
    nonEmptyDistinct(g.ps(), "grid.ps", file);
    for (int i = 0; i < g.ps().size(); i++) {
      Integer p = g.ps().get(i);
      if (p == null || p < 1 || p > 99) fail(file, "grid.ps[" + i + "]", "expected an integer percentage in [1, 99], got " + p);
    }
    nonEmptyDistinct(g.rs(), "grid.rs", file);
    for (int i = 0; i < g.rs().size(); i++) {
      Integer r = g.rs().get(i);
      if (r == null || r < 1 || r > 100) fail(file, "grid.rs[" + i + "]", "expected an integer percentage in [1, 100], got " + r);
    }
    if (g.nPairs() < 1) fail(file, "grid.n_pairs", "expected an integer >= 1, got " + g.nPairs());
    if (g.nSeeds() < 1) fail(file, "grid.n_seeds", "expected an integer >= 1, got " + g.nSeeds());
    if (g.trainPairs() < 0) fail(file, "grid.train_pairs", "expected an integer >= 0, got " + g.trainPairs());
    nonEmptyDistinct(g.variants(), "grid.variants", file);
    for (int i = 0; i < g.variants().size(); i++) {
      if (!GridConfig.VARIANTS.contains(g.variants().get(i))) {
        fail(file, "grid.variants[" + i + "]", "expected one of " + GridConfig.VARIANTS + ", got '" + g.variants().get(i) + "'");
      }
    }

    WordsConfig w = c.section(ControlStudyConfig.class).words();
    if (w.source().isBlank()) fail(file, "words.source", "expected 'builtin' or a word-list file path");
    if (!"builtin".equals(w.source()) && !Files.isRegularFile(Path.of(w.source()))) {
      fail(file, "words.source", "file not found: " + Path.of(w.source()).toAbsolutePath()
          + " (expected 'builtin' or a text file with one word a line)");
    }
    if (w.minCount() != null && w.minCount() < 2) fail(file, "words.min_count", "expected an integer >= 2, got " + w.minCount());
    if (w.maxCount() != null && w.maxCount() < 2) fail(file, "words.max_count", "expected an integer >= 2, got " + w.maxCount());
    if (w.minCount() != null && w.maxCount() != null && w.maxCount() < w.minCount()) {
      fail(file, "words.max_count", "expected >= words.min_count (" + w.minCount() + "), got " + w.maxCount());
    }

    ControlConfig k = c.section(ControlStudyConfig.class).control();
    if (!FORMATS.contains(k.promptFormat())) {
      fail(file, "control.prompt_format", "expected one of " + FORMATS + ", got '" + k.promptFormat() + "'");
    }
    if (!SCORERS.contains(k.scorer())) fail(file, "control.scorer", "expected one of " + SCORERS + ", got '" + k.scorer() + "'");
    if (k.topLogprobs() < 5 || k.topLogprobs() > 20) {
      fail(file, "control.top_logprobs", "expected an integer in [5, 20] (the API's limit), got " + k.topLogprobs());
    }
    if (k.storeTop() < 1) fail(file, "control.store_top", "expected an integer >= 1, got " + k.storeTop());
    for (int i = 0; i < c.variants().size(); i++) {
      EngineConfig e = c.variants().get(i);
      if (e.isLocal()) continue;
      if ("chat".equals(k.promptFormat()) && "completions".equals(e.endpoint())) {
        fail(file, c.variantPath(i) + ".endpoint", "control.prompt_format chat needs endpoint chat for an openai engine "
            + "(the completions endpoint cannot apply the server's chat template); or set control.prompt_format: plain");
      }
      if ("plain".equals(k.promptFormat()) && "chat".equals(e.endpoint())) {
        fail(file, c.variantPath(i) + ".endpoint", "control.prompt_format plain needs endpoint completions for an openai "
            + "engine (a chat endpoint would wrap the text as a user message and lose the prefill)");
      }
    }
    for (int i = 0; i < k.blocklist().size(); i++) {
      String b = k.blocklist().get(i);
      if (b == null || b.isBlank()) fail(file, "control.blocklist[" + i + "]", "expected a non-empty word");
    }
  }

  private static void nonEmptyDistinct(List<?> values, String path, String file) {
    if (values.isEmpty()) fail(file, path, "expected a non-empty list");
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      if (!seen.add(values.get(i))) fail(file, path + "[" + i + "]", "duplicate value " + values.get(i));
    }
  }

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
