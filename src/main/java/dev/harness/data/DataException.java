package dev.harness.data;

/**
 * A dataset, bin specification, sampling request or manifest is unusable. The message names the file (and line) or the
 * example id, and what was expected.
 */
public class DataException extends RuntimeException {
  public DataException(String message) { super(message); }

  public DataException(String message, Throwable cause) { super(message, cause); }
}
