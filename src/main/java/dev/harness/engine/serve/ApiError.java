package dev.harness.engine.serve;

/**
 * An error answered in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}} with an HTTP status.
 * The message never carries a stack trace.
 */
final class ApiError extends RuntimeException {
  static final String INVALID_REQUEST = "invalid_request_error";
  static final String SERVER_ERROR = "server_error";

  private final int status;
  private final String type;
  private final String param;
  private final String code;

  ApiError(int status, String type, String message, String param, String code) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** 400 invalid_request_error about {@code param} (may be null). */
  static ApiError invalid(String param, String message) { return new ApiError(400, INVALID_REQUEST, message, param, null); }

  int status() { return status; }

  String type() { return type; }

  String param() { return param; }

  String code() { return code; }
}
