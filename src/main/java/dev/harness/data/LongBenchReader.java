package dev.harness.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.harness.hub.HubClient;
import dev.harness.hub.RepoType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads LongBench-format examples from a local file or the Hub.
 *
 * <ul>
 *   <li>{@code .jsonl}: one record per line, blank lines skipped;
 *   <li>{@code .json}: an array of records;
 *   <li>{@code .csv}: header with at least {@code _id,input,context,answers}, answers as a JSON list string; other
 *       columns go to {@code extra} (integers parsed, empty cells null);
 *   <li>{@code hf://org/name[@revision]}: the dataset repo file {@code data.zip} (through {@link HubClient}, so cached
 *       and offline-capable), entry {@code data/<task>.jsonl}.
 * </ul>
 *
 * For local files {@code task} and {@code split} are labels only (recorded in the manifest); for the Hub the task picks
 * the zip entry and the split must be {@code test} (LongBench v1 ships only a test split).
 */
public final class LongBenchReader {
  static final String HF_PREFIX = "hf://";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LongBenchReader() {}

  public static List<Example> read(String source, String task, String split, HubClient hub) {
    if (source == null || source.isBlank()) throw new DataException("dataset source is empty");
    if (source.startsWith(HF_PREFIX)) return readHub(source, task, split, hub);
    Path path = Path.of(source);
    String name = path.getFileName() == null ? source : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!Files.isRegularFile(path)) {
      throw new DataException("dataset file not found: " + source
          + (Files.isDirectory(path) ? " (is a directory)" : ""));
    }
    try {
      if (name.endsWith(".jsonl")) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          return readJsonl(r, source);
        }
      } else if (name.endsWith(".json")) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          return readJsonArray(r, source);
        }
      } else if (name.endsWith(".csv")) {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          return readCsv(r, source);
        }
      }
    } catch (NoSuchFileException e) {
      throw new DataException("dataset file not found: " + source, e);
    } catch (IOException e) {
      throw new DataException("cannot read dataset file " + source + ": " + e.getMessage(), e);
    }
    throw new DataException("unsupported dataset file " + source + ": expected .jsonl, .json, .csv or hf://org/name");
  }

  private static List<Example> readHub(String source, String task, String split, HubClient hub) {
    String ref = source.substring(HF_PREFIX.length());
    int at = ref.indexOf('@');
    String repoId = at < 0 ? ref : ref.substring(0, at);
    String revision = at < 0 ? "main" : ref.substring(at + 1);
    if (task == null || task.isBlank()) throw new DataException(source + ": dataset.task is required");
    if (split != null && !split.isBlank() && !split.equals("test")) {
      throw new DataException(source + ": LongBench has only the 'test' split, got '" + split + "'");
    }
    if (hub == null) throw new DataException(source + ": reading from the Hub needs a HubClient");
    Path zip = hub.file(RepoType.DATASET, repoId, revision, "data.zip");
    String entryName = "data/" + task + ".jsonl";
    String label = source + " data.zip!" + entryName;
    try (ZipFile zf = new ZipFile(zip.toFile())) {
      ZipEntry entry = zf.getEntry(entryName);
      if (entry == null) {
        List<String> tasks = new ArrayList<>();
        zf.stream().map(ZipEntry::getName).filter(n -> n.startsWith("data/") && n.endsWith(".jsonl"))
            .map(n -> n.substring(5, n.length() - 6)).sorted().forEach(tasks::add);
        throw new DataException(source + ": task '" + task + "' not found (no " + entryName + " in " + zip
            + "); available: " + String.join(", ", tasks));
      }
      try (InputStream in = zf.getInputStream(entry);
          Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return readJsonl(r, label);
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + zip + " (" + source + "): " + e.getMessage(), e);
    }
  }

  static List<Example> readJsonl(Reader reader, String label) throws IOException {
    ExampleParser parser = new ExampleParser(label);
    List<Example> out = new ArrayList<>();
    BufferedReader br = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    int lineNo = 0;
    for (String line; (line = br.readLine()) != null; ) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
      if (line.isBlank()) continue;
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw parser.error("line " + lineNo, "invalid JSON (" + e.getOriginalMessage() + ")");
      }
      out.add(parser.parse(node, "line " + lineNo));
    }
    return out;
  }

  static List<Example> readJsonArray(Reader reader, String label) throws IOException {
    ExampleParser parser = new ExampleParser(label);
    List<Example> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(reader)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw parser.error("line " + p.currentLocation().getLineNr(), "expected a JSON array of records");
      }
      int item = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) throw parser.error("end of file", "unterminated JSON array");
        JsonLocation loc = p.currentTokenLocation();
        String where = "item " + item++ + " (line " + loc.getLineNr() + ")";
        out.add(parser.parse(p.readValueAsTree(), where));
      }
    } catch (JsonProcessingException e) {
      throw new DataException(label + " line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
          + ": invalid JSON (" + e.getOriginalMessage() + ")", e);
    }
    return out;
  }

  static List<Example> readCsv(Reader reader, String label) throws IOException {
    ExampleParser parser = new ExampleParser(label);
    List<Example> out = new ArrayList<>();
    CsvMapper csv = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> it =
        csv.readerFor(Map.class).with(schema).readValues(reader)) {
      int row = 0;
      while (it.hasNextValue()) {
        Map<String, String> rec = it.nextValue();
        row++;
        String where = "row " + row + " (line " + it.getCurrentLocation().getLineNr() + ")";
        ObjectNode node = JSON.createObjectNode();
        for (Map.Entry<String, String> cell : rec.entrySet()) {
          String k = cell.getKey();
          String v = cell.getValue();
          if (k.equals("answers")) {
            try {
              node.set(k, JSON.readTree(v == null ? "" : v));
            } catch (JsonProcessingException e) {
              throw parser.error(where, "field 'answers' must be a JSON list of strings, e.g. [\"a\", \"b\"]");
            }
          } else if (ExampleParser.REQUIRED.contains(k)) {
            node.put(k, v);
          } else if (v == null || v.isEmpty()) {
            node.putNull(k);
          } else if (v.matches("-?\\d{1,9}")) {
            node.put(k, Integer.parseInt(v));
          } else {
            node.put(k, v);
          }
        }
        out.add(parser.parse(node, where));
      }
    } catch (JsonProcessingException e) {
      throw new DataException(label + " line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
          + ": invalid CSV (" + e.getOriginalMessage() + ")", e);
    }
    return out;
  }
}
