package dev.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "Engine and environment" section every study report ends its setup with: per run, the engine kind and model, the
 * device it ran on, its compute dtype and the libtorch (version and flavor: cpu, cu124, …), then the engine's details
 * and the run environment, as recorded in the {@code runs} table. One run is a field/value table; several (variants)
 * get a column each, a field a run lacks left "—".
 *
 * <p>An OpenAI-compatible engine computes on its server, which does not say where or in what dtype: its device and
 * dtype read "not reported (HTTP server)" and its libtorch "none in process (HTTP server)". For a local engine, device
 * and libtorch come from its details (where they already stood) and dtype from the engine info, right after model.
 */
public final class EngineTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HTTP_UNKNOWN = "not reported (HTTP server)";
  static final String HTTP_NO_LIBTORCH = "none in process (HTTP server)";
  static final String MISSING = "—";

  private EngineTable() {}

  /** One recorded run: its column label (the variant) and the {@code runs} row's engine and environment JSON. */
  public record Run(String label, String engineKind, String model, String engineInfoJson, String environmentJson) {}

  /** Writes the section heading and, when there is a run, the table. */
  public static void write(Markdown md, List<Run> runs) {
    md.heading(2, "Engine and environment");
    if (runs.isEmpty()) return;
    List<String> header = new ArrayList<>();
    header.add("field");
    if (runs.size() == 1) header.add("value");
    else runs.forEach(r -> header.add(r.label()));
    md.table(header, rows(runs));
  }

  /** The table's rows: engine fields first (the union over runs, in order of first appearance), then environment. */
  static List<List<String>> rows(List<Run> runs) {
    List<Map<String, String>> engine = new ArrayList<>();
    List<Map<String, String>> env = new ArrayList<>();
    for (Run r : runs) {
      Map<String, String> e = new LinkedHashMap<>();
      Map<String, String> v = new LinkedHashMap<>();
      fields(r, e, v);
      engine.add(e);
      env.add(v);
    }
    List<List<String>> out = new ArrayList<>();
    out.addAll(union(engine));
    out.addAll(union(env));
    return out;
  }

  private static void fields(Run r, Map<String, String> engine, Map<String, String> env) {
    engine.put("engine", r.engineKind());
    engine.put("model", r.model());
    JsonNode info;
    try {
      info = JSON.readTree(r.engineInfoJson());
    } catch (IOException ex) {
      engine.put("details", "unreadable: " + ex.getMessage());
      return;
    }
    JsonNode details = info.path("details");
    boolean local = "local".equals(r.engineKind());
    if (!details.has("device")) engine.put("device", local ? MISSING : HTTP_UNKNOWN);
    String dtype = info.path("dtype").asText(null);
    engine.put("dtype", dtype != null ? dtype : local ? MISSING : HTTP_UNKNOWN);
    if (!details.has("libtorch")) engine.put("libtorch", local ? MISSING : HTTP_NO_LIBTORCH);
    details.fields().forEachRemaining(f -> engine.put(f.getKey(), f.getValue().asText()));
    try {
      JSON.readTree(r.environmentJson()).fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    } catch (IOException ex) {
      env.put("environment", "unreadable: " + ex.getMessage());
    }
  }

  private static List<List<String>> union(List<Map<String, String>> perRun) {
    List<String> keys = new ArrayList<>();
    for (Map<String, String> m : perRun) for (String k : m.keySet()) if (!keys.contains(k)) keys.add(k);
    List<List<String>> out = new ArrayList<>();
    for (String k : keys) {
      List<String> row = new ArrayList<>();
      row.add(k);
      for (Map<String, String> m : perRun) row.add(m.getOrDefault(k, MISSING));
      out.add(row);
    }
    return out;
  }
}
