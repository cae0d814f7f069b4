package dev.harness;

/**
 * Base of every error the CLI reports as one line. {@code exitCode} is 2 for bad usage or an invalid config, 1 for any
 * other failure. The message already carries its context (file, field path, phase, item).
 */
public class HarnessException extends RuntimeException {
  private final int exitCode;

  public HarnessException(String message, int exitCode) {
    this(message, exitCode, null);
  }

  public HarnessException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A failure (exit 1) with context. */
  public static HarnessException failure(String message, Throwable cause) {
    return new HarnessException(message, 1, cause);
  }

  public int exitCode() { return exitCode; }
}
