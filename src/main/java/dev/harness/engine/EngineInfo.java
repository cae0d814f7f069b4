package dev.harness.engine;

import java.util.Map;
import java.util.Set;

/** Identity of an engine for the store and the report: never contains secrets. */
public record EngineInfo(
    String kind, String model, String revision, String dtype, String tokenizer, Set<Capability> capabilities,
    Map<String, String> details) {

  public EngineInfo {
    capabilities = Set.copyOf(capabilities);
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public boolean can(Capability c) { return capabilities.contains(c); }
}
