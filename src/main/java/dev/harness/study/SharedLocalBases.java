package dev.harness.study;

import dev.harness.HarnessException;
import dev.harness.config.EngineConfig;
import dev.harness.engine.local.LocalEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded base per (model directory, quantization, dtype, device) for the engine variants of a study: variants that
 * differ only in their (unmerged) adapter get views of the same weights ({@link LocalEngine#withAdapter}), each
 * closed on its own; the base goes with the last view and is loaded again if a later variant needs it. A variant with
 * {@code lora_merge: true} changes its weights, so it gets a base of its own.
 */
final class SharedLocalBases {
  private record Key(Path model, String quantization, String dtype, String device) {}

  private final Map<Key, LocalEngine> anchors = new HashMap<>();

  synchronized LocalEngine open(EngineConfig e, String configPath) {
    if (e.loraMerge()) return LocalEngines.open(e, configPath);
    Path adapter = e.adapter() == null ? null : LocalEngines.adapterDir(e.adapter(), configPath, "engine.adapter");
    Path model = LocalEngines.modelDir(e.model(), configPath, "engine.model");
    Key key = new Key(model, e.quantization(), e.dtype(), e.device());
    LocalEngine anchor = anchors.get(key);
    boolean fresh = anchor == null || !anchor.alive();
    if (fresh) {
      anchor = LocalEngines.openLocal(e.model(), null, e.quantization(), e.dtype(), e.device(), false, configPath, "engine.");
      anchors.put(key, anchor);
    }
    try {
      String name = adapter == null ? null : anchor.addAdapter(adapter.toString(), adapter);
      return anchor.withAdapter(name);
    } catch (dev.harness.engine.local.weights.CheckpointException ex) {
      throw HarnessException.failure(ex.getMessage(), ex);
    } finally {
      if (fresh) anchor.close(); // the views keep the base loaded
    }
  }
}
