package dev.harness.store;

import java.util.List;
import java.util.Map;

/**
 * The store's migration chains: one chain of shared tables, applied to every file, and one chain per study, applied
 * only to that study's file. A chain's scripts are the resources {@code <chain>/NNN__*.sql}; a file records the version
 * each of its chains reached in {@code schema_versions(chain, version)}.
 *
 * <p>Files written before the split hold one chain, {@code V1..V8} in {@code PRAGMA user_version} (1 to 8), with
 * every study's tables. {@link #legacyVersions(int)} says which chain versions a legacy version stands for, so such a
 * file is recognised without re-running anything; its other studies' tables stay as they are (never dropped).
 */
public final class StoreSchema {
  private StoreSchema() {}

  /** The chain of a training run's store ({@code <output>/finetune.sqlite}). */
  public static final String FINETUNE = "finetune";

  /** The chain every file carries. */
  public static final String SHARED = "shared";

  /**
   * {@code PRAGMA user_version} of a file in the per-chain layout. It is above every legacy version (1..8), so a
   * harness from before the split refuses the file ("newer than this harness knows") instead of re-running V1 on it.
   */
  public static final int CHAINED_LAYOUT = 100;

  /** The highest legacy single-chain version (V8). */
  public static final int LEGACY_LATEST = 8;

  /** Chain name -> its scripts in order; index i brings the chain to version i + 1. */
  static final Map<String, List<String>> CHAINS = Map.of(
      SHARED, List.of("001__base.sql", "002__phase_inputs.sql"),
      "kv_transition", List.of("001__base.sql", "002__answer_logliks.sql"),
      "kl", List.of("001__kl.sql", "002__run_identity.sql"),
      "output_control", List.of("001__output_control.sql"),
      "mc_eval", List.of("001__mc_eval.sql", "002__mc_failures.sql"),
      "finetune", List.of("001__finetune.sql"));

  /** The studies that have a chain (every chain but the shared one). */
  public static List<String> studies() {
    return CHAINS.keySet().stream().filter(c -> !SHARED.equals(c)).sorted().toList();
  }

  public static int latest(String chain) {
    List<String> scripts = CHAINS.get(chain);
    if (scripts == null) throw new IllegalArgumentException("no store chain '" + chain + "' (known: " + studies() + ")");
    return scripts.size();
  }

  static String resource(String chain, int index) { return chain + "/" + CHAINS.get(chain).get(index); }

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
