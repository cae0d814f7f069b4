package dev.harness.metrics;

import dev.harness.engine.ErrorKind;

/** The closed failure taxonomy of DESIGN §6. */
public enum FailureType {
  /** HTTP 429 or a rate-limit message, still failing after retries. */
  RATE_LIMITED,
  /** The request timed out after retries. */
  TIMEOUT,
  /** Connection error, 5xx, malformed body, local engine exception, out of memory. */
  ENGINE_ERROR,
  /** No text, or whitespace only. */
  EMPTY_OUTPUT,
  /** finish_reason "length", or the prompt was truncated to fit the context window. */
  TRUNCATED,
  /** An explicit refusal (see {@link FailureClassifier#REFUSAL_PATTERNS}). */
  REFUSAL,
  /** Output not of the expected form (decided by the study, e.g. no parsable choice). */
  FORMAT_ERROR;

  /** Infrastructure failures are retried and, if they persist, excluded from accuracy and reported separately. */
  public boolean isInfrastructure() {
    return this == RATE_LIMITED || this == TIMEOUT || this == ENGINE_ERROR;
  }

  /** The failure type of an engine error kind. */
  public static FailureType of(ErrorKind kind) {
    return switch (kind) {
      case RATE_LIMITED -> RATE_LIMITED;
      case TIMEOUT -> TIMEOUT;
      case ENGINE_ERROR -> ENGINE_ERROR;
    };
  }
}
