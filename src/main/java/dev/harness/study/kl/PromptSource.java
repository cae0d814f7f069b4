package dev.harness.study.kl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.data.HfSource;
import dev.harness.hub.HubClient;
import dev.harness.hub.HubException;
import dev.harness.hub.RepoType;
import dev.harness.study.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Reads the kl study's prompts: records from a local {@code .jsonl} / {@code .json} (array) / {@code .csv} /
 * {@code .parquet} file or a file of a Hub dataset repo ({@code hf://org/name[@rev]/path/file.parquet}, e.g. one of
 * allenai/WildChat's Parquet shards, through {@link HubClient}: cached and offline-capable; a bare
 * {@code hf://org/name} reads the repo's first Parquet file in name order). The prompt is the record's {@code field}: a string, or a list of chat messages
 * ({@code {role, content}}, WildChat's {@code conversation}) whose first {@code user} turn is taken. Ids are the
 * {@code id_field} value, else {@code h} + 16 hex of the text's SHA-256, so they are stable across runs and sources.
 * {@code limit} keeps the first records read; {@code n} draws a seeded sample of them (kept in source order). A second
 * record with the same id (the same text) is dropped and counted.
 */
public final class PromptSource {
  public static final String HF = HfSource.PREFIX;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A prompt with its stable id and its index among the source's records. */
  public record Prompt(String id, int sourceIndex, String text) {}

  /** The prompts selected, how many records were read, how many were duplicates. */
  public record Selection(List<Prompt> prompts, int recordsRead, int duplicates, String source) {}

  private PromptSource() {}

  public static Selection read(PromptsConfig cfg, String configPath, Supplier<HubClient> hub) {
    Path file = resolve(cfg.source(), configPath, hub);
    List<JsonNode> records = records(file, cfg.source(), cfg.limit());
    Map<String, Prompt> byId = new LinkedHashMap<>();
    int dups = 0;
    for (int i = 0; i < records.size(); i++) {
      JsonNode rec = records.get(i);
      String text = text(rec, cfg.field());
      if (text == null) {
        throw new ConfigException(configPath, "prompts.field", cfg.source() + " record " + i + " has no prompt in field '"
            + cfg.field() + "' (a string, or chat messages with a user turn); its fields: " + fieldNames(rec));
      }
      String id;
      if (cfg.idField() != null) {
        JsonNode v = rec.get(cfg.idField());
        if (v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()) {
          throw new ConfigException(configPath, "prompts.id_field", cfg.source() + " record " + i + " has no id in field '"
              + cfg.idField() + "'; its fields: " + fieldNames(rec));
        }
        id = v.asText();
      } else {
        id = contentId(text);
      }
      if (byId.containsKey(id)) {
        dups++;
        continue;
      }
      byId.put(id, new Prompt(id, i, text));
    }
    List<Prompt> all = new ArrayList<>(byId.values());
    if (all.isEmpty()) throw new ConfigException(configPath, "prompts.source", cfg.source() + ": no records");
    List<Prompt> chosen = all;
    if (cfg.n() != null && cfg.n() < all.size()) {
      List<Prompt> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new Random(cfg.seed()));
      chosen = new ArrayList<>(shuffled.subList(0, cfg.n()));
      chosen.sort(java.util.Comparator.comparingInt(Prompt::sourceIndex));
    }
    return new Selection(List.copyOf(chosen), records.size(), dups, cfg.source());
  }

  /** {@code h} + the first 16 hex digits of the text's SHA-256. */
  public static String contentId(String text) { return "h" + Json.sha256(text).substring(0, 16); }

  /** The prompt of a record: a string field, or the first user turn of a list of chat messages; null when none. */
  static String text(JsonNode rec, String field) {
    JsonNode v = rec.get(field);
    if (v == null || v.isNull()) return null;
    if (v.isTextual()) return v.asText().isEmpty() ? null : v.asText();
    if (v.isArray()) {
      for (JsonNode m : v) {
        if ("user".equals(m.path("role").asText()) && m.path("content").isTextual()) {
          String t = m.path("content").asText();
          return t.isEmpty() ? null : t;
        }
      }
    }
    return null;
  }

  private static Path resolve(String source, String configPath, Supplier<HubClient> hub) {
    if (!HfSource.is(source)) {
      Path p = Path.of(source);
      if (!Files.isRegularFile(p)) {
        throw new ConfigException(configPath, "prompts.source", "file not found: " + p.toAbsolutePath());
      }
      return p;
    }
    HfSource hf = HfSource.parse(source).orElseThrow(() -> new ConfigException(configPath, "prompts.source",
        "expected hf://org/name[@revision]/path/file.jsonl, got '" + source + "'"));
    String repo = hf.repo();
    String revision = hf.revision();
    String path = hf.path();
    if (path == null || path.isBlank()) path = firstShard(hub, repo, revision, source, configPath);
    String lower = path.toLowerCase(Locale.ROOT);
    if (!(lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".csv") || lower.endsWith(".parquet"))) {
      throw new ConfigException(configPath, "prompts.source", "expected a .jsonl, .json, .csv or .parquet file in the"
          + " repo, got '" + path + "'");
    }
    try {
      return hub.get().file(RepoType.DATASET, repo, revision, path);
    } catch (HubException e) {
      throw HarnessException.failure(configPath + ": prompts.source '" + source + "': " + e.getMessage(), e);
    }
  }

  /**
   * A bare {@code hf://org/name}: the repo's first Parquet file in name order (allenai/WildChat's
   * {@code data/train-00000-of-…parquet}), found through the Hub's file list; name other shards explicitly.
   */
  private static String firstShard(Supplier<HubClient> hub, String repo, String revision, String source,
      String configPath) {
    List<String> files;
    try {
      files = hub.get().listFiles(RepoType.DATASET, repo, revision);
    } catch (HubException e) {
      throw HarnessException.failure(configPath + ": prompts.source '" + source + "': " + e.getMessage(), e);
    }
    return files.stream().filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".parquet")).findFirst()
        .orElseThrow(() -> new ConfigException(configPath, "prompts.source", "dataset repo " + repo + " has no Parquet"
            + " file; name the file inside it: hf://" + repo + "/<path>.parquet (or .jsonl / .json / .csv)"));
  }

  private static List<JsonNode> records(Path file, String label, Integer limit) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int max = limit == null ? Integer.MAX_VALUE : limit;
    List<JsonNode> out = new ArrayList<>();
    if (name.endsWith(".parquet")) {
      List<JsonNode> rows = dev.harness.data.ParquetRows.read(file, limit, label);
      for (int i = 0; i < rows.size(); i++) out.add(object(rows.get(i), label + " row " + (i + 1)));
      return out;
    }
    try {
      if (name.endsWith(".jsonl")) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          int lineNo = 0;
          for (String line; out.size() < max && (line = r.readLine()) != null; ) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.isBlank()) continue;
            out.add(object(JSON.readTree(line), label + " line " + lineNo));
          }
        }
      } else if (name.endsWith(".json")) {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isArray()) throw HarnessException.usage(label + ": expected a JSON array of records");
        for (int i = 0; i < root.size() && out.size() < max; i++) out.add(object(root.get(i), label + " item " + i));
      } else {
        CsvMapper csv = new CsvMapper();
        try (MappingIterator<Map<String, String>> it = csv.readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
          while (out.size() < max && it.hasNextValue()) out.add(JSON.valueToTree(it.nextValue()));
        }
      }
    } catch (JsonProcessingException e) {
      throw HarnessException.usage(label + ": invalid " + (name.endsWith(".csv") ? "CSV" : "JSON") + " at line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw HarnessException.failure("reading " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static JsonNode object(JsonNode n, String where) {
    if (n == null || !n.isObject()) throw HarnessException.usage(where + ": expected a JSON object (a record)");
    return n;
  }

  private static String fieldNames(JsonNode rec) {
    List<String> names = new ArrayList<>();
    rec.fieldNames().forEachRemaining(names::add);
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
