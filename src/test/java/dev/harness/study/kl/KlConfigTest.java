package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad kl configs: exit 2, one error line naming the file and the field path, nothing run. */
class KlConfigTest {
  @TempDir Path dir;

  Path config(String engines, String prompts, String generation, String kl) throws Exception {
    Path data = dir.resolve("p.jsonl");
    Files.writeString(data, "{\"text\": \"hi\"}\n{\"text\": \"ho\"}\n");
    Path c = dir.resolve("bad.yaml");
    Files.writeString(c, "study: kl\noutput: {exp_group_id: bad, root: " + dir.resolve("runs") + "}\n"
        + "engines:\n" + engines + "\nprompts: " + prompts.replace("DATA", data.toString()) + "\ngeneration: "
        + generation + "\nkl: " + kl + "\n");
    return c;
  }

  static final String TWO = "  - {name: a, kind: local, model: x}\n  - {name: b, kind: local, model: y}";
  static final String TWO_HTTP = "  - {name: a, kind: openai, model: x, base_url: 'http://h/v1', endpoint: completions}\n"
      + "  - {name: b, kind: openai, model: y, base_url: 'http://h/v1'}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "one variant; ONE; {source: DATA, field: text}; {temperature: 1.0}; {}; engines: the kl study compares two or more",
      "estimator; TWO; {source: DATA, field: text}; {temperature: 1.0}; {estimator: exact}; kl.estimator: expected one of [mc, topk_rest, topk_lookup, text_mc], got 'exact'",
      "top_logprobs; TWO; {source: DATA, field: text}; {temperature: 1.0}; {top_logprobs: 25}; kl.top_logprobs: expected an integer in 0..20, got 25",
      "pair; TWO; {source: DATA, field: text}; {temperature: 1.0}; {pair: [a, zz]}; kl.pair[1]: 'zz' is not among the engines' names [a, b]",
      "samples; TWO; {source: DATA, field: text}; {temperature: 1.0}; {samples: 0}; kl.samples: expected an integer >= 1, got 0",
      "mc temperature; TWO; {source: DATA, field: text}; {temperature: 0.7}; {}; generation.temperature: estimator mc needs samples from the models' own distributions",
      "text_mc temperature; TWO; {source: DATA, field: text}; {temperature: 0.7}; {estimator: text_mc}; generation.temperature: estimator text_mc needs samples from the models' own distributions: expected 1.0, got 0.7",
      "text_mc top_p; TWO; {source: DATA, field: text}; {temperature: 1.0, top_p: 0.9}; {estimator: text_mc}; generation.top_p: estimator text_mc needs untruncated sampling: expected 1.0, got 0.9",
      "text_mc over chat; TWO_HTTP; {source: DATA, field: text}; {temperature: 1.0}; {estimator: text_mc}; engines[1].endpoint: estimator text_mc scores",
      "mc over chat; TWO_HTTP; {source: DATA, field: text}; {temperature: 1.0}; {}; engines[1].endpoint: estimator mc scores",
      "no source; TWO; {field: text}; {temperature: 1.0}; {}; prompts.source: required",
      "source type; TWO; {source: p.txt}; {temperature: 1.0}; {}; prompts.source: expected a .jsonl, .json, .csv or .parquet file",
      "n; TWO; {source: DATA, n: 0}; {temperature: 1.0}; {}; prompts.n: expected an integer >= 1, got 0",
      "coverage; TWO; {source: DATA}; {temperature: 1.0}; {estimator: topk_rest, min_coverage: 1.5}; kl.min_coverage: expected a number in [0, 1], got 1.5",
  })
  void rejected(String name, String engines, String prompts, String gen, String kl, String expected) throws Exception {
    String e = switch (engines) {
      case "ONE" -> "  - {name: a, kind: local, model: x}";
      case "TWO_HTTP" -> TWO_HTTP;
      default -> TWO;
    };
    Path c = config(e, prompts, gen, kl);
    StringWriter err = new StringWriter();
    assertEquals(2, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", c.toString()), err.toString());
    assertTrue(err.toString().contains(c + ": " + expected), err.toString());
    assertTrue(!Files.exists(dir.resolve("runs/bad/kl.sqlite")), "nothing written before validation passes");
  }

  @Test
  void aFieldThatNoRecordHasIsAConfigErrorAtPrepare() throws Exception {
    Path c = config(TWO, "{source: DATA, field: user}", "{temperature: 1.0}", "{}");
    StringWriter err = new StringWriter();
    assertEquals(2, KlStudyLocalTest.run(new StringWriter(), err, "prepare", "-c", c.toString()), err.toString());
    assertTrue(err.toString().contains("prompts.field: " + dir.resolve("p.jsonl") + " record 0 has no prompt in field"
        + " 'user' (a string, or chat messages with a user turn); its fields: text"), err.toString());
  }

  @Test
  void wildChatParquetShardFromTheHubGivesFirstUserTurns() throws Exception {
    Path shard = dev.harness.data.ParquetRowsTest.writeParquet(dir.resolve("shard.parquet"), """
        SELECT * FROM (VALUES
          ('c1', [{'role': 'user', 'content': 'Write a poem'}, {'role': 'assistant', 'content': 'Roses'}]),
          ('c2', [{'role': 'system', 'content': 'sys'}, {'role': 'user', 'content': 'Translate this'}]),
          ('c3', [{'role': 'user', 'content': 'Write a poem'}])
        ) t(conversation_hash, conversation)""");
    dev.harness.hub.FakeHub hub = new dev.harness.hub.FakeHub().add("datasets/", "allenai/WildChat",
        "data/train-00000-of-00001.parquet", Files.readAllBytes(shard), true);
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.setDispatcher(hub);
      server.start();
      dev.harness.hub.HubClient client = new dev.harness.hub.HubClient(new dev.harness.hub.HubSettings(
          server.url("/").toString(), null, dir.resolve("hf"), false));
      dev.harness.study.kl.PromptsConfig cfg = dev.harness.config.ConfigLoader.convert(
          dev.harness.config.ConfigLoader.mapper().readTree(
              "{source: 'hf://allenai/WildChat/data/train-00000-of-00001.parquet', field: conversation}"),
          dev.harness.study.kl.PromptsConfig.class, "c.yaml");
      PromptSource.Selection sel = PromptSource.read(cfg, "c.yaml", () -> client);
      assertEquals(3, sel.recordsRead());
      assertEquals(1, sel.duplicates(), "the third record repeats the first's user turn");
      assertEquals(java.util.List.of("Write a poem", "Translate this"),
          sel.prompts().stream().map(PromptSource.Prompt::text).toList());
    }
  }

  @Test
  void aBareHubIdReadsTheFirstParquetShardFromTheFileList() throws Exception {
    Path s0 = dev.harness.data.ParquetRowsTest.writeParquet(dir.resolve("s0.parquet"),
        "SELECT [{'role': 'user', 'content': 'first shard'}] AS conversation");
    Path s1 = dev.harness.data.ParquetRowsTest.writeParquet(dir.resolve("s1.parquet"),
        "SELECT [{'role': 'user', 'content': 'second shard'}] AS conversation");
    dev.harness.hub.FakeHub hub = new dev.harness.hub.FakeHub()
        .add("datasets/", "allenai/WildChat", "data/train-00001-of-00002.parquet", Files.readAllBytes(s1), true)
        .add("datasets/", "allenai/WildChat", "data/train-00000-of-00002.parquet", Files.readAllBytes(s0), true)
        .add("datasets/", "allenai/WildChat", "README.md", "# card".getBytes(), false);
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.setDispatcher(hub);
      server.start();
      dev.harness.hub.HubClient client = new dev.harness.hub.HubClient(new dev.harness.hub.HubSettings(
          server.url("/").toString(), null, dir.resolve("hf"), false));
      assertEquals(java.util.List.of("README.md", "data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet"),
          client.listFiles(dev.harness.hub.RepoType.DATASET, "allenai/WildChat", null));
      dev.harness.study.kl.PromptsConfig cfg = dev.harness.config.ConfigLoader.convert(
          dev.harness.config.ConfigLoader.mapper().readTree("{source: 'hf://allenai/WildChat', field: conversation}"),
          dev.harness.study.kl.PromptsConfig.class, "c.yaml");
      PromptSource.Selection sel = PromptSource.read(cfg, "c.yaml", () -> client);
      assertEquals(java.util.List.of("first shard"), sel.prompts().stream().map(PromptSource.Prompt::text).toList());
      // offline: the cached snapshot's files stand in for the list
      dev.harness.hub.HubClient offline = new dev.harness.hub.HubClient(new dev.harness.hub.HubSettings(
          server.url("/").toString(), null, dir.resolve("hf"), true));
      assertEquals(java.util.List.of("data/train-00000-of-00002.parquet"),
          offline.listFiles(dev.harness.hub.RepoType.DATASET, "allenai/WildChat", null));
    }
  }

  @Test
  void aBareHubIdOfflineAndUncachedNamesTheWayOut() throws Exception {
    Path c = config(TWO, "{source: 'hf://allenai/WildChat', field: conversation}", "{temperature: 1.0}", "{}");
    StringWriter err = new StringWriter();
    assertEquals(1, KlStudyLocalTest.run(new StringWriter(), err, "prepare", "-c", c.toString()), err.toString());
    assertTrue(err.toString().contains("prompts.source 'hf://allenai/WildChat': HF_HUB_OFFLINE=1 is set and dataset"
        + " repo 'allenai/WildChat' (revision main) is not in the cache"), err.toString());
  }

}
