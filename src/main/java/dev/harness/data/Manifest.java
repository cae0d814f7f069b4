package dev.harness.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harness.hub.HfCacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The portable snapshot of a prepared KV study: what was read, how it was binned and which examples were sampled, with
 * the sampled examples themselves, so that a study can be re-run without the original dataset. Stored as pretty JSON at
 * {@code data/processed/<dataset_id>/manifest.json} ({@link #pathFor}), written atomically. JSON property names are
 * snake_case ({@code dataset_id}, {@code example_id}, {@code prompt_tokens}, {@code n_per_bin}, ...), like the config;
 * example {@code extra} keys are kept as read.
 *
 * @param datasetId {@code name + "__" + task} ({@link #datasetId(String, String)})
 * @param lengthMeasure {@link LengthMeasure#name()} of the measure the bins and prompt lengths use
 * @param examples the examples the entries refer to
 * @param createdBy tool and version that wrote it
 */
public record Manifest(String datasetId, String source, String task, String split, String lengthMeasure,
    List<Bin> bins, List<ManifestEntry> entries, List<Example> examples, String createdBy, SamplingSpec sampling) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Manifest {
    bins = List.copyOf(bins);
    entries = List.copyOf(entries);
    examples = List.copyOf(examples);
  }

  public static String datasetId(String name, String task) { return name + "__" + task; }

  /** {@code <root>/data/processed/<datasetId>/manifest.json}. */
  public static Path pathFor(Path root, String datasetId) {
    return root.resolve("data").resolve("processed").resolve(datasetId).resolve("manifest.json");
  }

  /**
   * {@code <dataDir>/processed/<datasetId>/<key>/manifest.json}: one file per sampling configuration (key = a hash of
   * sampling, bins and the length measure's source), so configs that sample one dataset differently never share a file.
   */
  public static Path keyedPath(Path dataDir, String datasetId, String key) {
    return dataDir.resolve("processed").resolve(datasetId).resolve(key).resolve("manifest.json");
  }

  /** The first 12 hex digits of SHA-256 over {@code parts} joined by newlines. */
  public static String key(Object... parts) {
    StringBuilder b = new StringBuilder();
    for (Object o : parts) b.append(o).append('\n');
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes pretty JSON through a temp file and an atomic rename: readers never see half a manifest. */
  public static void write(Path file, Manifest m) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".manifest-", ".tmp");
      try {
        Files.writeString(tmp, JSON.writeValueAsString(m) + "\n", StandardCharsets.UTF_8);
        HfCacheLayout.moveAtomically(tmp, file);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new DataException("cannot write manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads and checks a manifest (every entry's example present, bin indexes valid). */
  public static Manifest read(Path file) {
    Manifest m;
    try {
      m = JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), Manifest.class);
    } catch (NoSuchFileException e) {
      throw new DataException("manifest not found: " + file + " (run the prepare phase first)", e);
    } catch (JsonProcessingException e) {
      throw new DataException("invalid manifest " + file + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataException("cannot read manifest " + file + ": " + e.getMessage(), e);
    }
    if (m == null || m.datasetId() == null) throw new DataException("invalid manifest " + file + ": no datasetId");
    Set<String> ids = new HashSet<>();
    for (Example e : m.examples()) ids.add(e.id());
    for (ManifestEntry en : m.entries()) {
      if (!ids.contains(en.exampleId())) {
        throw new DataException("invalid manifest " + file + ": entry '" + en.exampleId() + "' has no example");
      }
      if (en.binIndex() < 0 || en.binIndex() >= m.bins().size()) {
        throw new DataException("invalid manifest " + file + ": entry '" + en.exampleId() + "' has bin "
            + en.binIndex() + " of " + m.bins().size());
      }
    }
    return m;
  }
}
