package dev.harness.config;

import dev.harness.engine.Capabilities;
import dev.harness.engine.CompressedLoglik;

/**
 * The engine capabilities a study cannot do without, checked against {@link Capabilities#guaranteed} at validation
 * (before any store or output folder exists). Capabilities a study only uses when offered (batched or shared-prefix
 * scoring, token ids, full vocabularies) are asked of the open engine ({@code Engine.as}) and are not listed here.
 */
public final class CapabilityValidation {
  private CapabilityValidation() {}

  /**
   * Exit 2 when {@code engine} (at {@code enginePath}) lacks {@code capability}, which {@code what} at {@code path} needs;
   * the studies' checks call it (kv's {@code answer_loglik} needs {@code CompressedLoglik}).
   */
  public static void require(EngineConfig engine, String enginePath, Class<?> capability, String path, String what, String file) {
    if (Capabilities.guaranteed(engine.kind(), engine.endpoint()).contains(capability)) return;
    throw new ConfigException(file, path, what + " needs capability " + Capabilities.describe(capability) + ", which "
        + enginePath + " (kind " + engine.kind() + (engine.model() == null ? "" : ", model " + engine.model())
        + ") lacks; use engine.kind local");
  }
}
