package dev.harness.metrics.control;

/** One token of a next-token distribution: its text as the engine decoded it, its id (-1 unknown), its probability. */
public record TokenProb(String token, int id, double prob) {}
