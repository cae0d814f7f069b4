package dev.harness.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A study's own effective configuration (defaults filled in), in the YAML keys a user writes (snake_case): the common
 * sections and the study's sections from {@link StudyKind}, nothing of the other studies. A multi-variant study shows
 * {@code engines} when it lists them and {@code engine} otherwise. Used for the reports' configuration sections and
 * {@code runs.config_json}.
 */
public final class ConfigSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

  private ConfigSnapshot() {}

  /** The study's sections as a tree, in {@link StudyKind#acceptedKeys()} order. */
  public static ObjectNode tree(ExperimentConfig c) {
    StudyKind kind = StudyKind.of(c);
    ObjectNode all = ConfigLoader.mapper().valueToTree(c);
    JsonNode own = all.remove("section");
    if (own instanceof ObjectNode o) all.setAll(o);
    ObjectNode out = ConfigLoader.mapper().createObjectNode();
    for (String key : kind.acceptedKeys()) {
      if (key.equals("engine") && !c.engines().isEmpty()) continue;
      if (key.equals("engines") && c.engines().isEmpty()) continue;
      JsonNode v = all.get(key);
      if (v != null) out.set(key, v);
    }
    return out;
  }

  /** Compact JSON, for store columns. */
  public static String json(ExperimentConfig c) {
    try {
      return JSON.writeValueAsString(tree(c));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** YAML, for a report's code block. */
  public static String yaml(ExperimentConfig c) {
    try {
      return ConfigLoader.mapper().writeValueAsString(tree(c)).replaceFirst("^---\\s*\\n", "");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
