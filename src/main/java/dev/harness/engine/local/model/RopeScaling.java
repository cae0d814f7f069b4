package dev.harness.engine.local.model;

/** config.json {@code rope_scaling} of type {@code llama3} (other types are rejected at load). */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}
