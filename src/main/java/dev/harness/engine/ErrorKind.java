package dev.harness.engine;

/** Why a request failed at the infrastructure level. */
public enum ErrorKind {
  RATE_LIMITED,
  TIMEOUT,
  ENGINE_ERROR
}
