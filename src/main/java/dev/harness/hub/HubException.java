package dev.harness.hub;

/**
 * A Hub file could not be provided: offline and not cached, HTTP error (401/403/404/5xx), I/O failure, or a malformed
 * cache. The message names the repository, the file and (where relevant) the cache path or URL; {@link #httpStatus()}
 * is the HTTP status, or null when no response was received.
 */
public class HubException extends RuntimeException {
  private final Integer httpStatus;

  public HubException(String message) { this(message, null, null); }

  public HubException(String message, Throwable cause) { this(message, null, cause); }

  public HubException(String message, Integer httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  public Integer httpStatus() { return httpStatus; }
}
