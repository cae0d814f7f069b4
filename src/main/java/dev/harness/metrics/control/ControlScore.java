package dev.harness.metrics.control;

/**
 * The score of one item: the TVD to the target and whether it is within the tolerance; the two words scored
 * ({@code word1} is the one compared with the first target probability) with their probabilities, the mass counted
 * as "other" and the blocklisted mass that was dropped.
 */
public record ControlScore(double tvd, boolean pass, String word1, double p1, String word2, double p2,
    double otherMass, double blockedMass) {}
