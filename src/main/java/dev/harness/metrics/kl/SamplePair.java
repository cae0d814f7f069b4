package dev.harness.metrics.kl;

import java.util.List;

/**
 * One bootstrap unit: the positions of one comparison in each direction. {@code forward} runs along a sample of A
 * (P = A, Q = B), {@code reverse} along a sample of B (P = B, Q = A); either may be null when that direction is not
 * available. Its value is the mean of the available directions.
 */
public record SamplePair(List<Position> forward, List<Position> reverse) {}
