package dev.harness.store;

import java.util.List;
import java.util.Map;

/**
 * The store's layout: the shared chain, applied to every file, and the rules a file's chains follow. Each study declares
 * its own chain ({@link StoreChain}) in its package, with its scripts beside it ({@code study.kv.KvSchema},
 * {@code study/kv/migrations/NNN__*.sql}); {@link Store#open} applies the shared chain and the one it is given. A file
 * records the version each of its chains reached in {@code schema_versions(chain, version)}.
 *
 * <p>Files written before the split hold one chain, {@code V1..V8} in {@code PRAGMA user_version} (1 to 8), with
 * every study's tables. {@link #legacyVersions(int)} says which chain versions a legacy version stands for, so such a
 * file is recognised without re-running anything; its other studies' tables stay as they are (never dropped).
 */
public final class StoreSchema {
  private StoreSchema() {}

  /** The name of the chain every file carries. */
  public static final String SHARED = "shared";

  /** The chain every file carries: {@code phases}, {@code runs}, {@code requests}, {@code responses}, {@code telemetry},
   * {@code scores}, {@code failures}. */
  public static final StoreChain SHARED_CHAIN = new StoreChain(SHARED, Store.class, "shared",
      List.of("001__base.sql", "002__phase_inputs.sql"));

  /** The chain of a training run's store ({@code <output>/finetune.sqlite}; tables of {@link TrainTables}). */
  public static final StoreChain FINETUNE = new StoreChain("finetune", Store.class, "finetune",
      List.of("001__finetune.sql"));

  /**
   * {@code PRAGMA user_version} of a file in the per-chain layout. It is above every legacy version (1..8), so a
   * harness from before the split refuses the file ("newer than this harness knows") instead of re-running V1 on it.
   */
  public static final int CHAINED_LAYOUT = 100;

  /** The highest legacy single-chain version (V8). */
  public static final int LEGACY_LATEST = 8;

  /**
   * The chain versions a legacy single-chain file at {@code userVersion} (1..8) holds: V1 shared 1 + kv_transition 1,
   * V2 kv_transition 2, V3 kl 1, V4 output_control 1, V5 mc_eval 1, V6 finetune 1, V7 kl 2 + shared 2 (V7 rebuilt the
   * kl samples and added phases.inputs_json), V8 mc_eval 2. Chains a legacy version had not reached are absent.
   */
  static Map<String, Integer> legacyVersions(int userVersion) {
    var m = new java.util.TreeMap<String, Integer>();
    if (userVersion >= 1) { m.put(SHARED, 1); m.put("kv_transition", 1); }
    if (userVersion >= 2) m.put("kv_transition", 2);
    if (userVersion >= 3) m.put("kl", 1);
    if (userVersion >= 4) m.put("output_control", 1);
    if (userVersion >= 5) m.put("mc_eval", 1);
    if (userVersion >= 6) m.put("finetune", 1);
    if (userVersion >= 7) { m.put("kl", 2); m.put(SHARED, 2); }
    if (userVersion >= 8) m.put("mc_eval", 2);
    return m;
  }
}
