package dev.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${output.root}} in any string value of a study or finetune config: replaced by the effective output root
 * ({@code output.root} after every {@code --set}, else {@code runs}), so a research loop's hand-offs (prepare's
 * training split, finetune's data and output, the adapter a study loads) move together with
 * {@code --set output.root=X}. Any other {@code ${...}} is a config error naming the field; {@code output.root} itself
 * may not contain a reference.
 */
public final class OutputRootRefs {
  public static final String REF = "${output.root}";
  public static final String DEFAULT_ROOT = "runs";
  private static final Pattern ANY = Pattern.compile("\\$\\{([^}]*)}");

  private OutputRootRefs() {}

  /** Replaces every {@code ${output.root}} in the tree in place. */
  public static void resolve(ObjectNode root, String file) {
    JsonNode out = root.get("output");
    JsonNode r = out == null ? null : out.get("root");
    String value = DEFAULT_ROOT;
    if (r != null && r.isTextual()) {
      value = r.asText();
      if (value.contains("${")) throw new ConfigException(file, "output.root", "may not contain a ${...} reference, got '" + value + "'");
    }
    walk(root, "", value, file);
  }

  private static void walk(JsonNode node, String path, String value, String file) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) e.setValue(TextNode.valueOf(substitute(e.getValue().asText(), p, value, file)));
        else walk(e.getValue(), p, value, file);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        String p = path + "[" + i + "]";
        if (a.get(i).isTextual()) a.set(i, TextNode.valueOf(substitute(a.get(i).asText(), p, value, file)));
        else walk(a.get(i), p, value, file);
      }
    }
  }

  static String substitute(String text, String path, String value, String file) {
    if (!text.contains("${")) return text;
    Matcher m = ANY.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      if (!m.group(1).equals("output.root")) {
        throw new ConfigException(file, path, "unknown reference '" + m.group() + "' (the one supported is " + REF + ")");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    if (sb.indexOf("${") >= 0) throw new ConfigException(file, path, "unclosed reference in '" + text + "' (expected " + REF + ")");
    return sb.toString();
  }
}
