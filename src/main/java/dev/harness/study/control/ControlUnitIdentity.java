package dev.harness.study.control;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import dev.harness.study.UnitIdentity;
import java.util.List;

/**
 * Everything that decides one output_control unit's stored distribution: the engine ({@link EngineIdentity}), the
 * exact prompt sent (SHA-256 of the rendered messages and prefill for the item and {@code control.prompt_format}),
 * the number of alternatives asked of an HTTP engine ({@code control.top_logprobs}; the local engine returns the full
 * vocabulary), how many entries are stored ({@code control.store_top}) and the words always kept beside them
 * (blocklist, and the item's given words). Its {@link UnitIdentity#hash} is in the unit key.
 */
record ControlUnitIdentity(EngineIdentity engine, String promptSha256, int topLogprobs, int storeTop,
    List<String> kept) {

  static ControlUnitIdentity of(ExperimentConfig c, EngineIdentity engine, EngineConfig e, ControlItem item) {
    List<String> kept = new java.util.ArrayList<>(c.section(ControlStudyConfig.class).control().blocklist());
    if (item.givenWords()) {
      kept.add(item.word1());
      kept.add(item.word2());
    }
    return new ControlUnitIdentity(engine,
        Json.sha256(Json.write(ControlPrompts.prompt(item, c.section(ControlStudyConfig.class).control().promptFormat()))),
        e.isLocal() ? 0 : c.section(ControlStudyConfig.class).control().topLogprobs(), c.section(ControlStudyConfig.class).control().storeTop(), kept);
  }
}
