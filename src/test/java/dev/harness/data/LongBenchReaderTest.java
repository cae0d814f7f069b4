package dev.harness.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.hub.FakeHub;
import dev.harness.hub.HubClient;
import dev.harness.hub.HubSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongBenchReaderTest {
  static final String FIXTURE = "data/fixtures/story_qa.jsonl";
  static final String GOOD = "{\"_id\": \"a\", \"input\": \"Q?\", \"context\": \"C.\", \"answers\": [\"x\"]}";

  @TempDir Path tmp;

  Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  DataException fails(Path p) {
    return assertThrows(DataException.class, () -> LongBenchReader.read(p.toString(), "narrativeqa", "test", null));
  }

  @Test
  void readsTheFixture() {
    List<Example> ex = LongBenchReader.read(FIXTURE, "narrativeqa", "test", null);
    assertEquals(10, ex.size());
    Example first = ex.get(0);
    assertEquals("story_qa_01", first.id());
    assertEquals("What did Mara find under the bridge?", first.input());
    assertTrue(first.context().startsWith("Mara walked to the old stone bridge"));
    assertEquals(List.of("a brass key", "brass key"), first.answers());
    assertEquals("narrativeqa", first.extra().get("dataset"));
    assertEquals("en", first.extra().get("language"));
    assertTrue(first.extra().containsKey("all_classes"));
    assertNull(first.extra().get("all_classes"));
    assertEquals(List.of("length", "dataset", "language", "all_classes"), List.copyOf(first.extra().keySet()));
    var ids = new HashSet<String>();
    for (Example e : ex) {
      ids.add(e.id());
      assertTrue(e.answers().size() >= 1 && e.answers().size() <= 3, e.id());
      int words = e.context().split("\\s+").length;
      assertTrue(words >= 60 && words <= 700, e.id() + " has " + words + " words");
      assertEquals(words + e.input().split("\\s+").length, e.extra().get("length"), e.id());
    }
    assertEquals(10, ids.size());
  }

  @Test
  void malformedLineNamesFileAndLine() throws IOException {
    Path p = write("x.jsonl", GOOD + "\n\n" + "{\"_id\": \"b\", oops}\n");
    DataException e = fails(p);
    assertTrue(e.getMessage().startsWith(p + " line 3: invalid JSON ("), e.getMessage());
  }

  @Test
  void missingAndMistypedFields() throws IOException {
    DataException missing = fails(write("m.jsonl", GOOD + "\n{\"_id\": \"b\", \"input\": \"q\", \"context\": \"c\"}"));
    assertTrue(missing.getMessage().endsWith("m.jsonl line 2: missing required field 'answers'"), missing.getMessage());
    DataException typed = fails(write("t.jsonl", "{\"_id\": \"b\", \"input\": \"q\", \"context\": \"c\", \"answers\": \"x\"}"));
    assertTrue(typed.getMessage().contains("line 1: field 'answers' must be a non-empty list of strings"),
        typed.getMessage());
    DataException inner = fails(write("i.jsonl", "{\"_id\": \"b\", \"input\": \"q\", \"context\": \"c\", \"answers\": [1]}"));
    assertTrue(inner.getMessage().contains("line 1: field 'answers' must be a list of strings"), inner.getMessage());
    DataException array = fails(write("a.jsonl", "[1, 2]"));
    assertTrue(array.getMessage().contains("line 1: expected a JSON object"), array.getMessage());
  }

  @Test
  void duplicateIdsAreRejected() throws IOException {
    DataException e = fails(write("d.jsonl", GOOD + "\n" + GOOD + "\n"));
    assertTrue(e.getMessage().contains("line 2: duplicate _id 'a' (first seen at line 1)"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    DataException e = assertThrows(DataException.class,
        () -> LongBenchReader.read("data/fixtures/nope.jsonl", "narrativeqa", "test", null));
    assertEquals("dataset file not found: data/fixtures/nope.jsonl", e.getMessage());
    DataException ext = assertThrows(DataException.class,
        () -> LongBenchReader.read("pom.xml", "narrativeqa", "test", null));
    assertTrue(ext.getMessage().contains("expected .jsonl, .json, .csv"), ext.getMessage());
  }

  @Test
  void readsJsonArrayAndCsv() throws IOException {
    List<Example> json = LongBenchReader.read(write("a.json", "[\n" + GOOD + ",\n"
        + GOOD.replace("\"a\"", "\"b\"") + "\n]").toString(), "t", "test", null);
    assertEquals(List.of("a", "b"), json.stream().map(Example::id).toList());
    DataException bad = fails(write("b.json", "[\n" + GOOD + ",\n{\"_id\": \"c\"}\n]"));
    assertTrue(bad.getMessage().contains("item 1 (line 3): missing required field 'input'"), bad.getMessage());

    String csv = "_id,input,context,answers,length\n"
        + "r1,Who?,\"Line one,\nline two\",\"[\"\"Ann\"\", \"\"Anne\"\"]\",5\n"
        + "r2,What?,Short.,\"[\"\"x\"\"]\",\n";
    List<Example> rows = LongBenchReader.read(write("c.csv", csv).toString(), "t", "test", null);
    assertEquals(2, rows.size());
    assertEquals("Line one,\nline two", rows.get(0).context());
    assertEquals(List.of("Ann", "Anne"), rows.get(0).answers());
    assertEquals(5, rows.get(0).extra().get("length"));
    assertNull(rows.get(1).extra().get("length"));
    DataException badCsv = fails(write("d.csv", "_id,input,context,answers\nr1,q,c,not json\n"));
    assertTrue(badCsv.getMessage().contains("row 1") && badCsv.getMessage().contains("JSON list of strings"),
        badCsv.getMessage());
  }

  @Test
  void readsTaskFileFromTheHubZip() throws IOException {
    byte[] zip = zip("data/narrativeqa.jsonl", Files.readString(Path.of(FIXTURE)), "data/qasper.jsonl", GOOD + "\n");
    FakeHub hub = new FakeHub().add("datasets/", "THUDM/LongBench", "data.zip", zip, true);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(hub);
      server.start();
      HubClient client = new HubClient(new HubSettings(server.url("/").toString(), null, tmp.resolve("hf"), false));
      List<Example> ex = LongBenchReader.read("hf://THUDM/LongBench", "narrativeqa", "test", client);
      assertEquals(10, ex.size());
      assertEquals("story_qa_10", ex.get(9).id());
      assertEquals("/datasets/THUDM/LongBench/resolve/main/data.zip", hub.paths.get(0));
      int requests = server.getRequestCount();
      assertEquals(1, LongBenchReader.read("hf://THUDM/LongBench", "qasper", "test", client).size());
      assertEquals(requests, server.getRequestCount()); // zip came from the cache

      DataException unknown = assertThrows(DataException.class,
          () -> LongBenchReader.read("hf://THUDM/LongBench", "hotpotqa", "test", client));
      assertTrue(unknown.getMessage().contains("available: narrativeqa, qasper"), unknown.getMessage());
      DataException split = assertThrows(DataException.class,
          () -> LongBenchReader.read("hf://THUDM/LongBench", "narrativeqa", "train", client));
      assertTrue(split.getMessage().contains("only the 'test' split"), split.getMessage());
    }
  }

  static byte[] zip(String... nameThenContent) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (int i = 0; i < nameThenContent.length; i += 2) {
        z.putNextEntry(new ZipEntry(nameThenContent[i]));
        z.write(nameThenContent[i + 1].getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
