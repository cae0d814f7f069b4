package dev.harness.store;

import dev.harness.HarnessException;

/** A store failure, naming the database file and what was being done. Exit code 1. */
public class StoreException extends HarnessException {
  public StoreException(String message, Throwable cause) {
    super(message, 1, cause);
  }
}
