package dev.harness.study;

import dev.harness.HarnessException;

/** A phase that could not complete: names the phase, the config and the cause. Exit code 1. */
public class PhaseException extends HarnessException {
  public PhaseException(Phase phase, String configPath, String cause, Throwable t) {
    super("phase " + phase.id() + " (" + configPath + "): " + cause, 1, t);
  }
}
