package dev.harness.metrics;

import java.util.Objects;

/** One failure of a unit of work with its raw evidence (status code, message, finish reason, matched phrase). */
public record Failure(FailureType type, String evidence) {
  public Failure {
    Objects.requireNonNull(type, "type");
    evidence = evidence == null ? "" : evidence;
  }
}
