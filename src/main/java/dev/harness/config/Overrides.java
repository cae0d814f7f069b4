package dev.harness.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * {@code --set key.path=value}: the value is read as a YAML scalar or flow collection ("0.5", "[1.0, 0.2]", "true").
 * A path segment may index an existing list: {@code engines[1].adapter=DIR}.
 */
public final class Overrides {
  private Overrides() {}

  public static void apply(ObjectNode root, String assignment, String file) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(file, "--set " + assignment, "expected key.path=value");
    }
    String path = assignment.substring(0, eq).strip();
    String raw = assignment.substring(eq + 1);
    String[] keys = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonNode child = child(node, keys[i], path, file);
      if (!child.isObject()) {
        throw new ConfigException(file, "--set " + path, "'" + keys[i] + "' is not a mapping");
      }
      node = (ObjectNode) child;
    }
    String last = keys[keys.length - 1];
    java.util.regex.Matcher m = INDEXED.matcher(last);
    if (m.matches()) {
      com.fasterxml.jackson.databind.node.ArrayNode list = list(node, m.group(1), path, file);
      list.set(index(list, m.group(2), path, file), parseValue(raw));
    } else {
      node.set(last, parseValue(raw));
    }
  }

  private static final java.util.regex.Pattern INDEXED = java.util.regex.Pattern.compile("([^\\[\\]]+)\\[(\\d+)]");

  /** The child named by one segment ({@code name} or {@code name[i]}); a missing mapping is created. */
  private static JsonNode child(ObjectNode node, String key, String path, String file) {
    java.util.regex.Matcher m = INDEXED.matcher(key);
    if (m.matches()) {
      com.fasterxml.jackson.databind.node.ArrayNode list = list(node, m.group(1), path, file);
      return list.get(index(list, m.group(2), path, file));
    }
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) child = node.putObject(key);
    return child;
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode list(ObjectNode node, String name, String path, String file) {
    JsonNode list = node.get(name);
    if (list == null || !list.isArray()) throw new ConfigException(file, "--set " + path, "'" + name + "' is not a list");
    return (com.fasterxml.jackson.databind.node.ArrayNode) list;
  }

  private static int index(com.fasterxml.jackson.databind.node.ArrayNode list, String digits, String path, String file) {
    int i = Integer.parseInt(digits);
    if (i >= list.size()) {
      throw new ConfigException(file, "--set " + path, "index " + i + " is out of range (the list has " + list.size() + " items)");
    }
    return i;
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
