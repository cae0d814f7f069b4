package dev.harness.study.kl;

import dev.harness.study.Json;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

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
    if (c.kl().pair().isEmpty()) return new Pair(v.get(0), v.get(1), 0, 1);
    int ia = index(v, c.kl().pair().get(0)), ib = index(v, c.kl().pair().get(1));
    return new Pair(v.get(ia), v.get(ib), ia, ib);
  }

  private static int index(List<EngineConfig> v, String name) {
    for (int i = 0; i < v.size(); i++) if (name.equals(v.get(i).name())) return i;
    throw new IllegalStateException("variant " + name + " not configured"); // validation rules this out
  }

  /** {@code kl|variant|prompt_id|s=i}: a unit is one sample of one variant for one prompt. */
  static String unitKey(String variant, String promptId, int sample) {
    return KlStudy.NAME + "|" + variant + "|" + promptId + "|s=" + sample;
  }

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

  static boolean textLevel(ExperimentConfig c) { return "text_mc".equals(c.kl().estimator()); }

  /** Whether the run computes teacher-forced cross scores: mc and text_mc always; topk_rest when both sides give top-k (local). */
  static boolean needsCross(ExperimentConfig c) {
    Pair p = pair(c);
    return switch (c.kl().estimator()) {
      case "mc", "text_mc" -> true;
      case "topk_rest" -> p.a().isLocal() && p.b().isLocal();
      default -> false;
    };
  }
}
