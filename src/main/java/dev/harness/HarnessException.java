package dev.harness;

/**
 * Base of every error the CLI reports as one line. {@code exitCode} is {@link #USAGE} (2) for bad usage or an invalid
 * config, {@link #FAILURE} (1) for any other failure ({@code cli.ExitCodes} adds {@code OK}, 0). The message already
 * carries its context (file, field path, phase, item).
 */
public class HarnessException extends RuntimeException {
  /** Exit code of any failure but bad input. */
  public static final int FAILURE = 1;
  /** Exit code of bad usage or an invalid config. */
  public static final int USAGE = 2;

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
    return new HarnessException(message, FAILURE, cause);
  }

  /** A failure (exit 1). */
  public static HarnessException failure(String message) { return failure(message, null); }

  /** Bad usage or invalid input (exit 2); the message names the option or field and what was expected. */
  public static HarnessException usage(String message) { return usage(message, null); }

  /** Bad usage or invalid input (exit 2), with the error that showed it. */
  public static HarnessException usage(String message, Throwable cause) {
    return new HarnessException(message, USAGE, cause);
  }

  public int exitCode() { return exitCode; }
}
