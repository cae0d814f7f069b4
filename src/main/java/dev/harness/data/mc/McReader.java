package dev.harness.data.mc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.data.DataException;
import dev.harness.data.HfSource;
import dev.harness.data.ParquetRows;
import dev.harness.hub.HubClient;
import dev.harness.hub.RepoType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a task's documents. ARC: JSONL (or a JSON array) in the Hugging Face {@code ai2_arc} layout (id, question,
 * choices{text[], label[]}, answerKey). TruthfulQA: the original {@code mc_task.json} (a JSON array of {question,
 * mc1_targets{answer: label}, mc2_targets{...}}; choice order = key order in the file) or the Hugging Face layout
 * (mc1_targets{choices[], labels[]}), as JSON, JSONL or Parquet (the Hub's format, read by {@link ParquetRows}).
 * {@code hf://org/name[@rev]/path} reads a JSON / JSONL / Parquet file of a Hub dataset repo; {@code hf://org/name[@rev]}
 * alone reads the task's own Parquet file there ({@link McTask#hubFile()}, e.g. allenai/ai2_arc's
 * {@code ARC-Easy/test-00000-of-00001.parquet}).
 */
public final class McReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private McReader() {}

  public static List<McDoc> read(McTask task, String source, HubClient hub) {
    if (HfSource.is(source)) return readHub(task, source, hub);
    return readFile(task, Path.of(source), source);
  }

  static List<McDoc> readHub(McTask task, String source, HubClient hub) {
    HfSource hf = HfSource.parse(source).orElseThrow(
        () -> new DataException(source + ": expected hf://org/name[@revision][/path/in/repo.jsonl]"));
    String repoId = hf.repo();
    String revision = hf.revision();
    String file = hf.path() != null ? hf.path() : task.hubFile();
    if (!(file.endsWith(".jsonl") || file.endsWith(".json") || file.endsWith(".parquet"))) {
      throw new DataException(source + ": expected a .jsonl, .json or .parquet file in " + repoId + ", got '" + file + "'");
    }
    if (hub == null) throw new DataException(source + ": reading from the Hub needs a HubClient");
    Path local = hub.file(RepoType.DATASET, repoId, revision, file);
    return readFile(task, local, source);
  }

  static List<McDoc> readFile(McTask task, Path file, String label) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(label + ": file not found (" + file.toAbsolutePath().normalize() + ")");
    }
    List<JsonNode> rows = file.getFileName().toString().endsWith(".parquet")
        ? ParquetRows.read(file, null, label) : jsonRows(file, label);
    List<McDoc> docs = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String where = label + " document " + i;
      docs.add(task.isArc() ? arc(rows.get(i), i, where) : truthfulqa(task, rows.get(i), i, where));
    }
    if (docs.isEmpty()) throw new DataException(label + ": no documents");
    return docs;
  }

  private static List<JsonNode> jsonRows(Path file, String label) {
    List<JsonNode> rows = new ArrayList<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.startsWith("\uFEFF")) text = text.substring(1);
      String trimmed = text.stripLeading();
      if (trimmed.startsWith("[")) {
        JsonNode arr = JSON.readTree(trimmed);
        arr.forEach(rows::add);
      } else {
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
          lineNo++;
          if (line.isBlank()) continue;
          try {
            rows.add(JSON.readTree(line));
          } catch (JsonProcessingException e) {
            throw new DataException(label + " line " + lineNo + ": invalid JSON (" + e.getOriginalMessage() + ")");
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new DataException(label + ": invalid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new DataException(label + ": cannot read (" + e.getMessage() + ")", e);
    }
    return rows;
  }

  static McDoc arc(JsonNode n, int docId, String where) {
    String question = text(n, "question", where);
    JsonNode choices = field(n, "choices", where);
    List<String> texts = strings(field(choices, "text", where + " choices"), where + " choices.text");
    List<String> labels = strings(field(choices, "label", where + " choices"), where + " choices.label");
    if (texts.size() != labels.size() || texts.isEmpty()) {
      throw new DataException(where + ": choices.text has " + texts.size() + " entries but choices.label "
          + labels.size() + " (expected the same, at least one)");
    }
    String key = text(n, "answerKey", where);
    int gold = labels.indexOf(key);
    if (gold < 0) throw new DataException(where + ": answerKey '" + key + "' is not among choices.label " + labels);
    List<Integer> gl = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) gl.add(i == gold ? 1 : 0);
    Map<String, Object> doc = new LinkedHashMap<>();
    String id = n.hasNonNull("id") ? n.get("id").asText() : null;
    doc.put("id", id);
    doc.put("question", question);
    doc.put("choices", ordered("text", texts, "label", labels));
    doc.put("answerKey", key);
    return new McDoc(docId, id, question, texts, gold, gl, doc);
  }

  static McDoc truthfulqa(McTask task, JsonNode n, int docId, String where) {
    String question = text(n, "question", where);
    Targets mc1 = targets(field(n, "mc1_targets", where), where + " mc1_targets");
    Targets mc2 = targets(field(n, "mc2_targets", where), where + " mc2_targets");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("question", question);
    doc.put("mc1_targets", ordered("choices", mc1.choices, "labels", mc1.labels));
    doc.put("mc2_targets", ordered("choices", mc2.choices, "labels", mc2.labels));
    if (task == McTask.TRUTHFULQA_MC1) {
      if (mc1.labels.get(0) != 1) throw new DataException(where + ": mc1_targets: the first choice must be the true one (label 1)");
      return new McDoc(docId, null, question, mc1.choices, 0, mc1.labels, doc);
    }
    if (!mc2.labels.contains(1)) throw new DataException(where + ": mc2_targets has no true answer (label 1)");
    return new McDoc(docId, null, question, mc2.choices, mc2.labels.indexOf(1), mc2.labels, doc);
  }

  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private record Targets(List<String> choices, List<Integer> labels) {}

  /** {choices[], labels[]} (Hugging Face) or {answer: label, ...} in key order (the original file). */
  private static Targets targets(JsonNode t, String where) {
    if (!t.isObject() || t.isEmpty()) throw new DataException(where + ": expected a non-empty object");
    List<String> choices = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    if (t.size() == 2 && t.path("choices").isArray() && t.path("labels").isArray()) {
      choices.addAll(strings(t.get("choices"), where + ".choices"));
      for (JsonNode l : t.get("labels")) labels.add(label(l, where + ".labels"));
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        choices.add(e.getKey());
        labels.add(label(e.getValue(), where + "." + e.getKey()));
      }
    }
    if (choices.size() != labels.size() || choices.isEmpty()) {
      throw new DataException(where + ": " + choices.size() + " choices but " + labels.size() + " labels");
    }
    return new Targets(choices, labels);
  }

  private static int label(JsonNode l, String where) {
    if (!l.canConvertToInt() || (l.asInt() != 0 && l.asInt() != 1)) {
      throw new DataException(where + ": expected a label 0 or 1, got " + l);
    }
    return l.asInt();
  }

  private static JsonNode field(JsonNode n, String name, String where) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) throw new DataException(where + ": missing field '" + name + "'");
    return v;
  }

  private static String text(JsonNode n, String name, String where) {
    JsonNode v = field(n, name, where);
    if (!v.isTextual()) throw new DataException(where + ": field '" + name + "' must be a string, got " + v.getNodeType());
    return v.asText();
  }

  private static List<String> strings(JsonNode arr, String where) {
    if (!arr.isArray()) throw new DataException(where + ": expected an array of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode v : arr) {
      if (!v.isTextual()) throw new DataException(where + ": expected strings, got " + v);
      out.add(v.asText());
    }
    return out;
  }
}
