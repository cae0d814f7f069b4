package dev.harness.study.mc;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import dev.harness.study.RunProvenance;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitStatus;
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
    return c.section(McStudyConfig.class).seeds().isEmpty() ? List.of(0) : c.section(McStudyConfig.class).seeds();
  }

  /** {@code mc.baseline}, else the first variant without an adapter, else the first variant. */
  static EngineConfig baseline(ExperimentConfig c) {
    List<EngineConfig> vs = c.variants();
    if (c.section(McStudyConfig.class).mc().baseline() != null) {
      return vs.stream().filter(v -> v.label().equals(c.section(McStudyConfig.class).mc().baseline())).findFirst().orElseThrow();
    }
    return vs.stream().filter(v -> v.adapter() == null).findFirst().orElse(vs.get(0));
  }

  /** {@code mc_eval|<variant>|<task>|<doc>|<choice>|s=<seed>|id=<hash>}: one choice under one {@link McUnitIdentity}. */
  static String unitKey(EngineConfig v, String task, int docId, int choice, int seed, String identityHash) {
    return McEvalStudy.NAME + "|" + v.label() + "|" + task + "|" + docId + "|" + choice + "|s=" + seed + "|id="
        + identityHash;
  }

  /** The identity hash of one choice of an item under variant {@code v}. */
  static String identityHash(ExperimentConfig c, EngineIdentity engine, EngineConfig v, String task,
      McTables.ItemRow it, McTables.ChoiceRow ch) {
    return UnitIdentity.hash(McUnitIdentity.of(c, engine, v, task, it.context(), ch.continuation()));
  }

  /** The unit keys of the current configuration for one variant and task (every item × choice × seed). */
  static Set<String> currentKeys(ExperimentConfig c, McTables tables, EngineConfig v, String task) {
    EngineIdentity engine = EngineIdentity.of(v);
    Set<String> keys = new HashSet<>();
    for (McTables.ItemRow it : tables.items(task)) {
      for (McTables.ChoiceRow ch : it.choices()) {
        String id = identityHash(c, engine, v, task, it, ch);
        for (int s : seeds(c)) keys.add(unitKey(v, task, it.docId(), ch.index(), s, id));
      }
    }
    return keys;
  }

  /** The unit keys of the current configuration over every variant and task. */
  static Set<String> currentKeys(ExperimentConfig c, McTables tables) {
    Set<String> keys = new HashSet<>();
    for (EngineConfig v : c.variants()) for (String task : c.section(McStudyConfig.class).tasks()) keys.addAll(currentKeys(c, tables, v, task));
    return keys;
  }

  /**
   * Current units by outcome over every variant and task (failed: a failure row and no result, by failure type), and
   * stored results of other configurations.
   */
  static UnitStatus status(ExperimentConfig c, McTables tables) {
    long current = 0, done = 0, other = 0;
    Set<String> answered = new HashSet<>();
    Set<String> currentAll = new HashSet<>();
    for (EngineConfig v : c.variants()) {
      Set<String> stored = tables.resultHashes(v.label()).keySet();
      Set<String> all = new HashSet<>();
      for (String task : c.section(McStudyConfig.class).tasks()) all.addAll(currentKeys(c, tables, v, task));
      current += all.size();
      currentAll.addAll(all);
      for (String k : stored) {
        if (all.contains(k)) {
          done++;
          answered.add(k);
        } else {
          other++;
        }
      }
    }
    java.util.Map<String, Long> failed = new java.util.HashMap<>();
    for (McTables.FailureRow f : tables.failures()) {
      if (currentAll.contains(f.unitKey()) && !answered.contains(f.unitKey())) failed.merge(f.failureType(), 1L, Long::sum);
    }
    long nFailed = failed.values().stream().mapToLong(Long::longValue).sum();
    return new UnitStatus(current, done, failed, current - done - nFailed, other + otherVariants(c, tables));
  }

  /** Stored results of variants the config no longer names. */
  private static long otherVariants(ExperimentConfig c, McTables tables) {
    Set<String> labels = new HashSet<>();
    c.variants().forEach(v -> labels.add(v.label()));
    return tables.resultCountsByVariant().entrySet().stream().filter(e -> !labels.contains(e.getKey()))
        .mapToLong(java.util.Map.Entry::getValue).sum();
  }

  /** What the report is built from. */
  static RunProvenance provenance(ExperimentConfig c, McTables tables) {
    UnitStatus u = status(c, tables);
    return RunProvenance.of(c, u.current(), u.done(), u.otherRows());
  }

  /** The stored results of the current configuration for one variant and task (others are kept, not used). */
  static List<McTables.ResultRow> currentResults(ExperimentConfig c, McTables tables,
      EngineConfig v, String task) {
    Set<String> keys = currentKeys(c, tables, v, task);
    return tables.results(v.label(), task).stream().filter(r -> keys.contains(r.unitKey())).toList();
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
