package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  @TempDir Path root;

  @Test
  void roundTripsThroughPrettyJson() throws IOException {
    List<Example> examples = LongBenchReader.read("data/fixtures/story_qa.jsonl", "narrativeqa", "test", null);
    LengthMeasure measure = LengthMeasure.approximate();
    Map<String, Integer> lengths = new HashMap<>();
    int[] all = new int[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      all[i] = measure.length(LongBenchPrompt.build(examples.get(i)));
      lengths.put(examples.get(i).id(), all[i]);
    }
    List<Bin> bins = LengthBinner.quantileBins(all, 3);
    SamplingSpec spec = SamplingSpec.uniform(2, 42);
    List<ManifestEntry> entries = Sampler.sample(examples, lengths, bins, spec);
    String id = Manifest.datasetId("longbench", "narrativeqa");
    assertEquals("longbench__narrativeqa", id);
    Manifest m = new Manifest(id, "data/fixtures/story_qa.jsonl", "narrativeqa", "test", measure.name(), bins, entries,
        examples, "harness 0.1.0", spec);

    Path file = Manifest.pathFor(root, id);
    assertEquals(root.resolve("data/processed/longbench__narrativeqa/manifest.json"), file);
    Manifest.write(file, m);
    Manifest.write(file, m); // overwrite in place
    assertEquals(m, Manifest.read(file));
    String json = Files.readString(file);
    assertTrue(json.contains("\n  \"dataset_id\" : \"longbench__narrativeqa\""), json.substring(0, 200));
    assertTrue(json.contains("\"all_classes\" : null"));
    assertTrue(json.contains("\"n_per_bin\" : 2") && json.contains("\"prompt_tokens\" : "));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList()); // no temp file left behind
    }
  }

  @Test
  void readErrorsNameTheFile() throws IOException {
    Path missing = root.resolve("missing.json");
    assertTrue(assertThrows(DataException.class, () -> Manifest.read(missing)).getMessage().contains(missing.toString()));
    Path bad = root.resolve("bad.json");
    Files.writeString(bad, "{\"dataset_id\": \"x\", \"bins\": [], \"entries\": [{\"example_id\": \"z\", \"bin_index\": 0,"
        + " \"prompt_tokens\": 1}], \"examples\": []}");
    DataException e = assertThrows(DataException.class, () -> Manifest.read(bad));
    assertTrue(e.getMessage().contains(bad + ": entry 'z' has no example"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void keyedPathsSeparateSamplingConfigurations() {
    Path dataDir = Path.of("d");
    String sanity = Manifest.key("sampling n=10", "bins 5", "hf_tokenizer");
    String submission = Manifest.key("sampling n=2", "bins 5", "approx");
    assertTrue(!sanity.equals(submission));
    assertEquals(sanity, Manifest.key("sampling n=10", "bins 5", "hf_tokenizer")); // deterministic
    assertEquals(12, sanity.length());
    assertEquals(Path.of("d/processed/ds/" + sanity + "/manifest.json"), Manifest.keyedPath(dataDir, "ds", sanity));
  }
}
