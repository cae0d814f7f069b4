package dev.harness.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one LongBench record (a JSON object) and turns it into an {@link Example}; remembers ids to reject duplicates.
 * Required: {@code _id} (string or integer), {@code input}, {@code context} (strings), {@code answers} (a non-empty
 * list of strings). Every other field goes to {@link Example#extra()}.
 */
final class ExampleParser {
  static final Set<String> REQUIRED = Set.of("_id", "input", "context", "answers");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String file;
  private final Map<String, String> firstSeen = new HashMap<>();

  ExampleParser(String file) { this.file = file; }

  /** @param where "line 7" or "row 3 (line 12)": where the record starts, for messages */
  Example parse(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw error(where, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    for (String f : List.of("_id", "input", "context", "answers")) {
      if (!node.has(f)) throw error(where, "missing required field '" + f + "'");
    }
    JsonNode idNode = node.get("_id");
    if (!(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
      throw error(where, "field '_id' must be a non-empty string");
    }
    String id = idNode.asText();
    String input = text(node, "input", where);
    String context = text(node, "context", where);
    JsonNode answersNode = node.get("answers");
    if (!answersNode.isArray() || answersNode.isEmpty()) {
      throw error(where, "field 'answers' must be a non-empty list of strings");
    }
    List<String> answers = new ArrayList<>();
    for (JsonNode a : answersNode) {
      if (!a.isTextual()) throw error(where, "field 'answers' must be a list of strings");
      answers.add(a.asText());
    }
    String previous = firstSeen.putIfAbsent(id, where);
    if (previous != null) throw error(where, "duplicate _id '" + id + "' (first seen at " + previous + ")");

    Map<String, Object> extra = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!REQUIRED.contains(f.getKey())) extra.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class));
    }
    return new Example(id, context, input, answers, extra);
  }

  DataException error(String where, String what) { return new DataException(file + " " + where + ": " + what); }

  private String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (!v.isTextual()) throw error(where, "field '" + field + "' must be a string");
    return v.asText();
  }
}
