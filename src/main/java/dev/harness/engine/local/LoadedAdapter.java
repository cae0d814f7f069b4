package dev.harness.engine.local;

import java.nio.file.Path;

/** An adapter on a loaded base: its name, directory, the bytes of its matrices as held, and whether it was merged. */
public record LoadedAdapter(String name, Path dir, long bytes, boolean merged) {}
