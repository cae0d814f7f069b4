package dev.harness.study.mc;

import dev.harness.study.Json;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Names, keys and folders of the study's engine variants, the seeds, and the baseline of the comparisons. */
final class McVariants {

  private McVariants() {}

  /** {@code seeds}, or [0] when the config names none. */
  static List<Integer> seeds(ExperimentConfig c) {
    return c.seeds().isEmpty() ? List.of(0) : c.seeds();
  }

  /** {@code mc.baseline}, else the first variant without an adapter, else the first variant. */
  static EngineConfig baseline(ExperimentConfig c) {
    List<EngineConfig> vs = c.variants();
    if (c.mc().baseline() != null) {
      return vs.stream().filter(v -> v.label().equals(c.mc().baseline())).findFirst().orElseThrow();
    }
    return vs.stream().filter(v -> v.adapter() == null).findFirst().orElse(vs.get(0));
  }

  static String unitKey(EngineConfig v, String task, int docId, int choice, int seed) {
    return McEvalStudy.NAME + "|" + v.label() + "|" + task + "|" + docId + "|" + choice + "|s=" + seed;
  }

  static String runId(EngineConfig v, int seed) {
    return McEvalStudy.NAME + ":" + v.label() + ":s=" + seed;
  }

  /** A digest of everything that makes a variant's numbers (model, adapter, quantization, dtype, server settings). */
  static String hash(EngineConfig v) {
    return Json.sha256(Json.write(v)).substring(0, 16);
  }

  /**
   * The lm-eval output folder of each variant, in variant order: named after the adapter (its directory name) when
   * there is one, else after the model as lm-eval does ({@code org/name} → {@code org__name}); a name two variants
   * share gets the variant label appended.
   */
  static List<String> folders(ExperimentConfig c) {
    List<String> names = new ArrayList<>();
    for (EngineConfig v : c.variants()) names.add(sanitize(v.adapter() != null ? lastPart(v.adapter()) : v.model()));
    Set<String> seen = new HashSet<>();
    Set<String> dup = new HashSet<>();
    for (String n : names) if (!seen.add(n)) dup.add(n);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      out.add(dup.contains(n) ? n + "__" + sanitize(c.variants().get(i).label()) : n);
    }
    return out;
  }

  private static String lastPart(String p) {
    Path path = Path.of(p).normalize();
    Path name = path.getFileName();
    return name == null ? p : name.toString();
  }

  static String sanitize(String s) {
    String x = s;
    while (x.startsWith("../") || x.startsWith("./")) x = x.substring(x.indexOf('/') + 1);
    return x.replace("/", "__").replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
