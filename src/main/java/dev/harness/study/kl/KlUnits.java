package dev.harness.study.kl;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.Json;
import dev.harness.study.RunProvenance;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Names shared by the kl phases: the compared pair, unit keys, per-unit seeds, run ids, dump paths. */
final class KlUnits {
  private KlUnits() {}

  /** The compared variants (A, B): {@code kl.pair}, else the first two engines. */
  record Pair(EngineConfig a, EngineConfig b, int indexA, int indexB) {
    String nameA() { return a.name(); }

    String nameB() { return b.name(); }
  }

  static Pair pair(ExperimentConfig c) {
    List<EngineConfig> v = c.engines();
    if (c.section(KlStudyConfig.class).kl().pair().isEmpty()) return new Pair(v.get(0), v.get(1), 0, 1);
    int ia = index(v, c.section(KlStudyConfig.class).kl().pair().get(0)), ib = index(v, c.section(KlStudyConfig.class).kl().pair().get(1));
    return new Pair(v.get(ia), v.get(ib), ia, ib);
  }

  private static int index(List<EngineConfig> v, String name) {
    for (int i = 0; i < v.size(); i++) if (name.equals(v.get(i).name())) return i;
    throw new IllegalStateException("variant " + name + " not configured"); // validation rules this out
  }

  /**
   * {@code kl|variant|prompt_id|s=i|id=<hash>}: a unit is one sample of one variant for one prompt, under one
   * {@link KlUnitIdentity} (a changed input is a new unit; the old row stays, not current).
   */
  static String unitKey(String variant, String promptId, int sample, String identityHash) {
    return KlStudy.NAME + "|" + variant + "|" + promptId + "|s=" + sample + "|id=" + identityHash;
  }

  /** The sample unit keys of the current configuration (every variant × prompt × sample index). */
  static Set<String> currentSampleKeys(ExperimentConfig c, List<KlTables.PromptRow> prompts) {
    Set<String> keys = new HashSet<>();
    for (EngineConfig v : c.engines()) KlSampling.units(c, prompts, v).forEach(u -> keys.add(u.key()));
    return keys;
  }

  /** The stored samples of the current configuration only (rows of other configurations are kept, not used). */
  static List<KlTables.SampleRow> current(ExperimentConfig c, KlTables t, List<KlTables.SampleRow> rows) {
    Set<String> keys = currentSampleKeys(c, t.prompts());
    return rows.stream().filter(r -> keys.contains(r.unitKey())).toList();
  }

  /** The current cross / text scorer names of the pair (none when the estimator needs no scoring). */
  static Set<String> currentScorers(ExperimentConfig c) {
    Pair p = pair(c);
    if (textLevel(c)) return Set.of(KlTextScoring.scorer(c, p.a()), KlTextScoring.scorer(c, p.b()));
    if (needsCross(c)) return Set.of(crossScorer(c, p.a()), crossScorer(c, p.b()));
    return Set.of();
  }

  /** A digest of every current unit's identity (sample keys and scorer names), for the run phase's fingerprint. */
  static String identityDigest(ExperimentConfig c, List<KlTables.PromptRow> prompts) {
    return UnitIdentity.hash(List.of(new java.util.TreeSet<>(currentSampleKeys(c, prompts)),
        new java.util.TreeSet<>(currentScorers(c))));
  }

  /**
   * Sample units of the current configuration, how many are stored, and stored samples of other configurations (the
   * same kind of row on both sides); cross scores of other configurations (or other scorers) are counted apart.
   */
  static RunProvenance provenance(ExperimentConfig c, KlTables t) {
    Set<String> keys = currentSampleKeys(c, t.prompts());
    Set<String> scorers = currentScorers(c);
    long stored = 0, other = 0, otherScores = 0;
    for (String k : t.sampleKeys()) {
      if (keys.contains(k)) stored++;
      else other++;
    }
    for (KlTables.CrossRow r : t.crossScores()) if (!keys.contains(r.unitKey()) || !scorers.contains(r.scorer())) otherScores++;
    return RunProvenance.ofSamples(c, keys.size(), stored, other, otherScores);
  }

  /** The samples of the current configuration by outcome, from the store alone (for {@code harness status}). */
  static UnitStatus status(ExperimentConfig c, KlTables t) {
    Set<String> keys = currentSampleKeys(c, t.prompts());
    long done = 0, stored = 0;
    java.util.Map<String, Long> failed = new java.util.HashMap<>();
    for (KlTables.SampleRow r : t.samples()) {
      if (!keys.contains(r.unitKey())) continue;
      stored++;
      if (r.ok()) done++;
      else failed.merge(r.errorKind() == null ? "ERROR" : r.errorKind(), 1L, Long::sum);
    }
    return new UnitStatus(keys.size(), done, failed, keys.size() - stored,
        provenance(c, t).otherRows());
  }

  /** The name a teacher-forced score under {@code scorer} is stored by: {@code <variant>#<scorer identity hash>}. */
  static String crossScorer(ExperimentConfig c, EngineConfig scorer) { return KlUnitIdentity.Scorer.label(c, scorer); }

  static String runId(String variant) { return KlStudy.NAME + ":" + variant; }

  /**
   * The unit's sampling seed: 63 bits of SHA-256(generation.seed | variant | prompt_id | sample index), so every unit
   * has its own stream, independent of order and of the other units.
   */
  static long seed(long base, String variant, String promptId, int sample) {
    String h = Json.sha256(base + "|" + variant + "|" + promptId + "|" + sample);
    return ByteBuffer.wrap(java.util.HexFormat.of().parseHex(h.substring(0, 16))).getLong() & Long.MAX_VALUE;
  }

  static Path dumpDir(Path runDir) { return runDir.resolve("dumps"); }

  static Path dump(Path runDir, String variant) { return dumpDir(runDir).resolve(variant + ".jsonl"); }

  static boolean textLevel(ExperimentConfig c) { return "text_mc".equals(c.section(KlStudyConfig.class).kl().estimator()); }

  /** Whether the run computes teacher-forced cross scores: mc and text_mc always; topk_rest when both sides give top-k (local). */
  static boolean needsCross(ExperimentConfig c) {
    Pair p = pair(c);
    return switch (c.section(KlStudyConfig.class).kl().estimator()) {
      case "mc", "text_mc" -> true;
      case "topk_rest" -> p.a().isLocal() && p.b().isLocal();
      default -> false;
    };
  }
}
