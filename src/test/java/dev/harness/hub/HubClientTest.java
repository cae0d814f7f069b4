package dev.harness.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {
  static final String REPO = "org/name";
  static final String CONFIG = "{\"model_type\": \"gpt2\"}";

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
  void stop() {
    server.close();
  }

  HubClient client(String token, boolean offline) {
    return new HubClient(new HubSettings(server.url("/").toString(), token, hfHome, offline));
  }

  Path repoDir() { return hfHome.resolve("hub").resolve("models--org--name"); }

  static byte[] weights(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7);
    return b;
  }

  @Test
  void downloadLaysOutTheStandardCacheTree() throws IOException {
    byte[] w = weights(5000);
    hub.addText(REPO, "config.json", CONFIG).add("", REPO, "model.safetensors", w, true);
    HubClient c = client(null, false);

    Path config = c.file(RepoType.MODEL, REPO, "main", "config.json");
    Path model = c.file(RepoType.MODEL, REPO, "main", "model.safetensors");

    Path snap = repoDir().resolve("snapshots").resolve(FakeHub.COMMIT);
    assertEquals(snap.resolve("config.json"), config);
    assertEquals(FakeHub.COMMIT, Files.readString(repoDir().resolve("refs/main")));
    String gitEtag = FakeHub.gitEtag(CONFIG.getBytes(StandardCharsets.UTF_8));
    assertTrue(Files.isSymbolicLink(config));
    assertEquals(Path.of("../../blobs/" + gitEtag), Files.readSymbolicLink(config));
    assertEquals(CONFIG, Files.readString(config));
    // LFS file: blob named by X-Linked-Etag (sha256) from the Hub's redirect, not the CDN's ETag
    assertEquals(Path.of("../../blobs/" + FakeHub.sha256(w)), Files.readSymbolicLink(model));
    assertArrayEquals(w, Files.readAllBytes(model));
    try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
      assertEquals(List.of(FakeHub.sha256(w), gitEtag),
          blobs.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(hub.paths.contains("/org/name/resolve/main/config.json"));
    assertTrue(hub.paths.contains("/cdn/" + FakeHub.sha256(w)));
  }

  @Test
  void secondCallDoesNotTouchTheNetwork() {
    hub.addText(REPO, "config.json", CONFIG);
    HubClient c = client(null, false);
    Path first = c.file(RepoType.MODEL, REPO, "main", "config.json");
    int requests = server.getRequestCount();
    Path second = c.file(RepoType.MODEL, REPO, null, "config.json");
    assertEquals(first, second);
    assertEquals(requests, server.getRequestCount());
    assertEquals(Optional.of(first.getParent()), c.cachedSnapshot(RepoType.MODEL, REPO, "main"));
  }

  @Test
  void offlineUsesTheCacheAndNamesWhatIsMissing() {
    hub.addText(REPO, "config.json", CONFIG);
    Path online = client(null, false).file(RepoType.MODEL, REPO, "main", "config.json");
    int requests = server.getRequestCount();

    HubClient offline = client(null, true);
    assertEquals(online, offline.file(RepoType.MODEL, REPO, "main", "config.json"));
    HubException e = assertThrows(HubException.class,
        () -> offline.file(RepoType.MODEL, REPO, "main", "tokenizer.json"));
    assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1"), e.getMessage());
    assertTrue(e.getMessage().contains("org/name"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertTrue(e.getMessage().contains(repoDir().resolve("snapshots").resolve(FakeHub.COMMIT).toString()),
        e.getMessage());
    HubException never = assertThrows(HubException.class,
        () -> offline.file(RepoType.MODEL, "org/other", "main", "config.json"));
    assertTrue(never.getMessage().contains(hfHome.resolve("hub/models--org--other/refs/main").toString()),
        never.getMessage());
    assertEquals(requests, server.getRequestCount());
  }

  @Test
  void missingFileGivesAClearError() {
    hub.addText(REPO, "config.json", CONFIG);
    HubException e = assertThrows(HubException.class,
        () -> client(null, false).file(RepoType.MODEL, REPO, "main", "nope.json"));
    assertEquals(404, e.httpStatus());
    assertTrue(e.getMessage().contains("'nope.json'") && e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(Files.exists(repoDir().resolve("refs/main")));
  }

  @Test
  void optionalFileMissingIsEmptyAndRemembered() {
    hub.addText(REPO, "config.json", CONFIG);
    HubClient c = client(null, false);
    c.file(RepoType.MODEL, REPO, "main", "config.json");
    assertEquals(Optional.empty(), c.optionalFile(RepoType.MODEL, REPO, "main", "generation_config.json"));
    assertTrue(Files.isRegularFile(repoDir().resolve(".no_exist/" + FakeHub.COMMIT + "/generation_config.json")));
    int requests = server.getRequestCount();
    assertEquals(Optional.empty(), c.optionalFile(RepoType.MODEL, REPO, "main", "generation_config.json"));
    assertEquals(requests, server.getRequestCount());
  }

  @Test
  void tokenIsSentAsBearerAndRejectionIsExplained() {
    hub.addText(REPO, "config.json", CONFIG).requireToken("hf_secret");
    client("hf_secret", false).file(RepoType.MODEL, REPO, "main", "config.json");
    assertEquals(List.of("Bearer hf_secret"), hub.authorizations);

    HubException e = assertThrows(HubException.class,
        () -> client(null, false).file(RepoType.MODEL, "org/gated", "main", "config.json"));
    assertEquals(401, e.httpStatus());
    assertTrue(e.getMessage().contains("private or gated") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
  }

  @Test
  void datasetRepoUsesTheDatasetsPrefix() {
    byte[] zip = weights(300);
    hub.add("datasets/", "THUDM/LongBench", "data.zip", zip, true);
    Path p = client(null, false).file(RepoType.DATASET, "THUDM/LongBench", "main", "data.zip");
    assertEquals("/datasets/THUDM/LongBench/resolve/main/data.zip", hub.paths.get(0));
    assertTrue(p.startsWith(hfHome.resolve("hub/datasets--THUDM--LongBench/snapshots")));
    assertArrayEquals(zip, readAll(p));
  }

  @Test
  void interruptedDownloadLeavesNoPartialBlob() throws IOException {
    hub.addTruncated(REPO, "config.json", weights(1000));
    HubException e = assertThrows(HubException.class,
        () -> client(null, false).file(RepoType.MODEL, REPO, "main", "config.json"));
    assertTrue(e.getMessage().contains("failed"), e.getMessage());
    try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
      assertEquals(List.of(), blobs.toList());
    }
    assertFalse(Files.exists(repoDir().resolve("snapshots")));
    assertFalse(Files.exists(repoDir().resolve("refs")));
  }

  @Test
  void checksumMismatchIsRejected() throws IOException {
    hub.addWithWrongSha(REPO, "model.safetensors", weights(800));
    HubException e = assertThrows(HubException.class,
        () -> client(null, false).file(RepoType.MODEL, REPO, "main", "model.safetensors"));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
      assertEquals(0, blobs.count());
    }
  }

  @Test
  void commitRevisionNeedsNoRef() {
    hub.addText(REPO, "config.json", CONFIG);
    Path p = client(null, false).file(RepoType.MODEL, REPO, FakeHub.COMMIT, "config.json");
    assertEquals(repoDir().resolve("snapshots/" + FakeHub.COMMIT + "/config.json"), p);
    assertFalse(Files.exists(repoDir().resolve("refs")));
    int requests = server.getRequestCount();
    assertEquals(p, client(null, true).file(RepoType.MODEL, REPO, FakeHub.COMMIT, "config.json"));
    assertEquals(requests, server.getRequestCount());
  }

  @Test
  void snapshotDirFetchesEveryFileInOneFolder() {
    hub.addText(REPO, "config.json", CONFIG).addText(REPO, "sub/extra.txt", "x");
    Path dir = client(null, false).snapshotDir(RepoType.MODEL, REPO, "main", List.of("config.json", "sub/extra.txt"));
    assertEquals(repoDir().resolve("snapshots/" + FakeHub.COMMIT), dir);
    assertEquals("x", readString(dir.resolve("sub/extra.txt")));
    assertEquals("/org/name/resolve/" + FakeHub.COMMIT + "/sub/extra.txt", hub.paths.get(1));
  }

  @Test
  void rejectsPathTraversal() {
    HubClient c = client(null, false);
    assertThrows(HubException.class, () -> c.file(RepoType.MODEL, REPO, "main", "../../etc/passwd"));
    assertThrows(HubException.class, () -> c.file(RepoType.MODEL, "../x", "main", "config.json"));
    assertEquals(0, server.getRequestCount());
  }

  static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  static String readString(Path p) { return new String(readAll(p), StandardCharsets.UTF_8); }
}
