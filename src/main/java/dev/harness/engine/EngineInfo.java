package dev.harness.engine;

import java.util.Map;
import java.util.Set;

/** Identity of an engine for the store and the report: never contains secrets. {@code details} keep their order. */
public record EngineInfo(
    String kind, String model, String revision, String dtype, String tokenizer, Set<Capability> capabilities,
    Map<String, String> details) {

  public EngineInfo {
    capabilities = Set.copyOf(capabilities);
    // insertion order kept (Map.copyOf's order changes from one JVM to the next, and so did the reports' engine tables)
    details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
  }

  public boolean can(Capability c) { return capabilities.contains(c); }
}
