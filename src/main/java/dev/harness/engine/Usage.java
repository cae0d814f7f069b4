package dev.harness.engine;

/** Token counts of one request; -1 when unknown. */
public record Usage(int promptTokens, int completionTokens) {
  public static Usage unknown() { return new Usage(-1, -1); }
}
