package dev.harness.engine;

/** A teacher-forced continuation token: its log-probability and whether it was the argmax at its position. */
public record TokenScore(String token, int id, double logprob, boolean greedy) {}
