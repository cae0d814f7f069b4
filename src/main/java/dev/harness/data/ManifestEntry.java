package dev.harness.data;

/** One sampled example: its id, the bin it falls in, and its prompt length in the manifest's length measure. */
public record ManifestEntry(String exampleId, int binIndex, int promptTokens) {}
