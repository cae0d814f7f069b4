package dev.harness.metrics;

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

  /**
   * The infrastructure failure type of an engine error kind, by its name as the store records it
   * ({@code responses.error_kind}: {@code RATE_LIMITED}, {@code TIMEOUT}, {@code ENGINE_ERROR}). Taking the name keeps
   * {@code metrics} free of {@code engine} (the architecture test checks it); {@code ErrorKindMappingTest} checks that
   * every {@code engine.ErrorKind} maps here.
   */
  public static FailureType ofErrorKind(String kind) {
    FailureType t;
    try {
      t = valueOf(kind);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("not an engine error kind: " + kind);
    }
    if (!t.isInfrastructure()) throw new IllegalArgumentException("not an engine error kind: " + kind);
    return t;
  }
}
