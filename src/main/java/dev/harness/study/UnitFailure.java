package dev.harness.study;

import dev.harness.engine.EngineException;

/**
 * The evidence a failed unit is stored with: an engine's failure keeps its kind, message, HTTP status and attempts;
 * any other exception is an {@code ENGINE_ERROR} named by its class, after one attempt.
 */
public record UnitFailure(String kind, String message, Integer httpStatus, int attempts) {

  public static UnitFailure of(RuntimeException e) {
    if (e instanceof EngineException ee) return new UnitFailure(ee.kind().name(), ee.getMessage(), ee.httpStatus(), ee.attempts());
    return new UnitFailure("ENGINE_ERROR", e.getClass().getSimpleName() + ": " + e.getMessage(), null, 1);
  }

  /** {@code KIND: message}, the run phase's "first error" line. */
  public String line() { return kind + ": " + message; }
}
