package dev.harness.engine;

/**
 * A request that failed after the engine's retries: the kind, the last HTTP status (null for local engines or
 * connection errors), the attempts made, and the evidence (server message, exception text).
 */
public class EngineException extends RuntimeException {
  private final ErrorKind kind;
  private final Integer httpStatus;
  private final int attempts;

  public EngineException(ErrorKind kind, Integer httpStatus, int attempts, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.attempts = attempts;
  }

  public EngineException(ErrorKind kind, String message) { this(kind, null, 1, message, null); }

  public ErrorKind kind() { return kind; }

  public Integer httpStatus() { return httpStatus; }

  public int attempts() { return attempts; }
}
