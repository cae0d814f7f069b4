package dev.harness.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
  static final String REPO = "org/sharded";
  static final String INDEX = "{\"metadata\": {\"total_size\": 300}, \"weight_map\": {"
      + "\"a.weight\": \"model-00001-of-00002.safetensors\", \"b.weight\": \"model-00002-of-00002.safetensors\","
      + "\"c.weight\": \"model-00001-of-00002.safetensors\"}}";

  @TempDir Path hfHome;
  MockWebServer server;
  FakeHub hub;

  @BeforeEach
  void start() throws IOException {
    hub = new FakeHub();
    server = new MockWebServer();
    server.setDispatcher(hub);
    server.start();
  }

  @AfterEach
  void stop() { server.close(); }

  HubClient client(boolean offline) {
    return new HubClient(new HubSettings(server.url("/").toString(), null, hfHome, offline));
  }

  void addTokenizerAndConfig(String repo) {
    hub.addText(repo, "config.json", "{}").addText(repo, "tokenizer.json", "{\"model\": {}}")
        .addText(repo, "tokenizer_config.json", "{}").addText(repo, "special_tokens_map.json", "{}");
  }

  @Test
  void resolvesAShardedCheckpointThroughItsIndex() {
    addTokenizerAndConfig(REPO);
    hub.addText(REPO, "model.safetensors.index.json", INDEX)
        .add("", REPO, "model-00001-of-00002.safetensors", new byte[200], true)
        .add("", REPO, "model-00002-of-00002.safetensors", new byte[100], true);

    Path dir = ModelLocator.resolve(REPO, client(false));

    assertEquals(hfHome.resolve("hub/models--org--sharded/snapshots/" + FakeHub.COMMIT), dir);
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
    assertFalse(Files.exists(dir.resolve("generation_config.json")));

    // everything is cached now: offline resolution gives the same folder with no request
    int requests = server.getRequestCount();
    assertEquals(dir, ModelLocator.resolve(REPO, client(true)));
    assertEquals(requests, server.getRequestCount());
  }

  @Test
  void singleFileWeightsAndRevisionSuffix() {
    addTokenizerAndConfig("org/single");
    hub.addText("org/single", "generation_config.json", "{}")
        .add("", "org/single", "model.safetensors", new byte[64], true);
    Path dir = ModelLocator.resolve("org/single@" + FakeHub.COMMIT, client(false));
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    assertTrue(Files.isRegularFile(dir.resolve("generation_config.json")));
    assertTrue(hub.paths.stream().allMatch(p -> p.contains(FakeHub.COMMIT) || p.startsWith("/cdn/")), hub.paths::toString);
  }

  @Test
  void offlineAndNotCachedNamesTheMissingFile() {
    HubException e = assertThrows(HubException.class,
        () -> ModelLocator.resolve("hf-internal-testing/tiny-random-gpt2", client(true)));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("HF_HUB_OFFLINE=1"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void repoWithoutSafetensorsIsExplained() {
    addTokenizerAndConfig("org/binonly");
    HubException e = assertThrows(HubException.class, () -> ModelLocator.resolve("org/binonly", client(false)));
    assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
  }

  @Test
  void existingDirectoryIsReturnedAsIs(@TempDir Path dir) {
    assertEquals(dir, ModelLocator.resolve(dir.toString(), client(true)));
    HubException e = assertThrows(HubException.class,
        () -> ModelLocator.resolve(dir.resolve("missing/model").toString(), client(true)));
    assertTrue(e.getMessage().contains("model directory not found"), e.getMessage());
  }

  @Test
  void cacheBuiltByHfCacheLayoutServesOffline(@TempDir Path source) throws IOException {
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"}) {
      Files.writeString(source.resolve(f), "content of " + f, StandardCharsets.UTF_8);
    }
    Files.createDirectories(source.resolve(".git"));
    Files.writeString(source.resolve(".git/HEAD"), "ref");
    Path snap = HfCacheLayout.layOut(hfHome, RepoType.MODEL, "hf-internal-testing/tiny-random-gpt2", null, source);

    Path repo = hfHome.resolve("hub/models--hf-internal-testing--tiny-random-gpt2");
    String commit = Files.readString(repo.resolve("refs/main"));
    assertEquals(repo.resolve("snapshots/" + commit), snap);
    assertEquals(Path.of("../../blobs/" + FakeHub.sha256("content of config.json".getBytes(StandardCharsets.UTF_8))),
        Files.readSymbolicLink(snap.resolve("config.json")));
    assertFalse(Files.exists(snap.resolve(".git")));
    // same folder, same commit (idempotent)
    assertEquals(snap, HfCacheLayout.layOut(hfHome, RepoType.MODEL, "hf-internal-testing/tiny-random-gpt2", null,
        source));

    assertEquals(snap, ModelLocator.resolve("hf-internal-testing/tiny-random-gpt2", client(true)));
    assertEquals(0, server.getRequestCount());
  }
}
