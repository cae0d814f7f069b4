package dev.harness.engine;

/**
 * Marks an engine that computes in this process on one device, one call at a time: a study gives it one worker
 * rather than the configured HTTP concurrency (more threads would only queue on its lock).
 */
public interface InProcess {}
