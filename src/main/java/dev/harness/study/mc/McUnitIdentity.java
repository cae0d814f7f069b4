package dev.harness.study.mc;

import dev.harness.study.EngineIdentity;
import dev.harness.study.UnitIdentity;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.Json;

/**
 * Everything that decides one mc_eval unit's log-likelihood (the scorer's inputs): the engine
 * ({@link EngineIdentity}), the task, and the exact context and continuation text (SHA-256 each). Not in it: the seed
 * (a zero-shot log-likelihood does not depend on one; each seed has its own unit key), and the computation path
 * ({@code mc.batch_size}, {@code mc.shared_prefix}), which changes the numbers only at float rounding
 * (McEvalEndToEndTest: batch 4 vs 1 within 1e-5, shared prefix vs unbatched within 1e-4), so that speeding a run up
 * does not re-score it. Its {@link UnitIdentity#hash} is in the unit key.
 */
record McUnitIdentity(EngineIdentity engine, String task, String contextSha256, String continuationSha256) {

  static McUnitIdentity of(ExperimentConfig c, EngineIdentity engine, EngineConfig v, String task, String context,
      String continuation) {
    return new McUnitIdentity(engine, task, Json.sha256(context), Json.sha256(continuation));
  }
}
