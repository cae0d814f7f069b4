package dev.harness.study.mc;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the mc_eval study's sections once the config's shape is right. */
public final class McValidation {
  static final List<String> TASKS = List.of("arc_easy", "arc_challenge", "truthfulqa_mc1", "truthfulqa_mc2");

  private McValidation() {}

  public static void validate(ExperimentConfig c, String file) {
    if (c.section(McStudyConfig.class).tasks().isEmpty()) fail(file, "tasks", "required: a non-empty list of " + TASKS);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < c.section(McStudyConfig.class).tasks().size(); i++) {
      String t = c.section(McStudyConfig.class).tasks().get(i);
      if (!TASKS.contains(t)) fail(file, "tasks[" + i + "]", "expected one of " + TASKS + ", got '" + t + "'");
      if (!seen.add(t)) fail(file, "tasks[" + i + "]", "duplicate task '" + t + "'");
    }
    Set<Integer> seeds = new HashSet<>();
    for (int i = 0; i < c.section(McStudyConfig.class).seeds().size(); i++) {
      Integer s = c.section(McStudyConfig.class).seeds().get(i);
      if (s == null || s < 0) fail(file, "seeds[" + i + "]", "expected an integer >= 0, got " + s);
      if (!seeds.add(s)) fail(file, "seeds[" + i + "]", "duplicate seed " + s);
    }
    if (c.section(McStudyConfig.class).limit() != null && c.section(McStudyConfig.class).limit() < 1) fail(file, "limit", "expected an integer >= 1 (or leave it out for every document), got " + c.section(McStudyConfig.class).limit());
    McConfig mc = c.section(McStudyConfig.class).mc();
    for (String task : mc.sources().keySet()) {
      if (!TASKS.contains(task)) fail(file, "mc.sources." + task, "expected a task name among " + TASKS);
      String src = mc.sources().get(task);
      if (src == null || src.isBlank()) fail(file, "mc.sources." + task, "expected a file path or hf://org/name");
    }
    if (mc.batchSize() < 1) fail(file, "mc.batch_size", "expected an integer >= 1, got " + mc.batchSize());
    if (!List.of("first", "random").contains(mc.subset())) {
      fail(file, "mc.subset", "expected first (lm-eval's --limit) or random, got '" + mc.subset() + "'");
    }
    List<EngineConfig> variants = c.variants();
    if (mc.baseline() != null && variants.stream().noneMatch(v -> mc.baseline().equals(v.label()))) {
      fail(file, "mc.baseline", "no variant named '" + mc.baseline() + "' among "
          + variants.stream().map(EngineConfig::label).toList());
    }
    for (int i = 0; i < variants.size(); i++) {
      EngineConfig e = variants.get(i);
      if (!e.isLocal() && e.adapter() != null) {
        fail(file, c.variantPath(i) + ".adapter", "an adapter applies to the local engine only; for a server, serve "
            + "the adapter there and name it in model");
      }
    }
  }

  private static void fail(String file, String path, String msg) { throw new ConfigException(file, path, msg); }
}
