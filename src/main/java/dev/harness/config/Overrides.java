package dev.harness.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** {@code --set key.path=value}: the value is read as a YAML scalar or flow collection ("0.5", "[1.0, 0.2]", "true"). */
final class Overrides {
  private Overrides() {}

  static void apply(ObjectNode root, String assignment, String file) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(file, "--set " + assignment, "expected key.path=value");
    }
    String path = assignment.substring(0, eq).strip();
    String raw = assignment.substring(eq + 1);
    String[] keys = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonNode child = node.get(keys[i]);
      if (child == null || child.isNull()) {
        child = node.putObject(keys[i]);
      } else if (!child.isObject()) {
        throw new ConfigException(file, "--set " + path, "'" + keys[i] + "' is not a mapping");
      }
      node = (ObjectNode) child;
    }
    node.set(keys[keys.length - 1], parseValue(raw));
  }

  static JsonNode parseValue(String raw) {
    if (raw.isEmpty()) return TextNode.valueOf("");
    try {
      JsonNode v = ConfigLoader.mapper().readTree(raw);
      return v == null || v.isMissingNode() ? TextNode.valueOf(raw) : v;
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(raw);
    }
  }
}
