package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSourceTest {
  @TempDir Path dir;

  static PromptSource.Selection read(Path file, String field, String idField, Integer limit, Integer n, long seed) {
    return PromptSource.read(new PromptsConfig(file.toString(), field, idField, limit, n, seed), "c.yaml", () -> {
      throw new AssertionError("no hub for local files");
    });
  }

  @Test
  void contentIdsAreStableAndDuplicatesAreDroppedAndCounted() throws Exception {
    Path f = dir.resolve("p.json");
    Files.writeString(f, "[{\"user\": \"a\"}, {\"user\": \"b\"}, {\"user\": \"a\"}]");
    PromptSource.Selection s = read(f, "user", null, null, null, 0);
    assertEquals(3, s.recordsRead());
    assertEquals(1, s.duplicates());
    // "h" + the first 16 hex digits of sha256("a")
    assertEquals(List.of("hca978112ca1bbdca", PromptSource.contentId("b")),
        s.prompts().stream().map(PromptSource.Prompt::id).toList());
    assertEquals(List.of(0, 1), s.prompts().stream().map(PromptSource.Prompt::sourceIndex).toList());
  }

  @Test
  void firstUserTurnOfAConversationAndAnIdField() throws Exception {
    Path f = dir.resolve("w.jsonl");
    Files.writeString(f, "{\"conversation_id\": \"c1\", \"conversation\": [{\"role\": \"system\", \"content\": \"s\"},"
        + " {\"role\": \"user\", \"content\": \"first\"}, {\"role\": \"assistant\", \"content\": \"x\"},"
        + " {\"role\": \"user\", \"content\": \"second\"}]}\n\n{\"conversation_id\": \"c2\", \"conversation\":"
        + " [{\"role\": \"user\", \"content\": \"other\"}]}\n");
    PromptSource.Selection s = read(f, "conversation", "conversation_id", null, null, 0);
    assertEquals(List.of(new PromptSource.Prompt("c1", 0, "first"), new PromptSource.Prompt("c2", 1, "other")),
        s.prompts());
  }

  @Test
  void seededSampleOfNInSourceOrderAndLimitFirst() throws Exception {
    Path f = dir.resolve("p.csv");
    StringBuilder sb = new StringBuilder("id,prompt\n");
    for (int i = 0; i < 50; i++) sb.append("r").append(i).append(",text ").append(i).append('\n');
    Files.writeString(f, sb.toString());
    PromptSource.Selection a = read(f, "prompt", "id", null, 5, 7);
    PromptSource.Selection b = read(f, "prompt", "id", null, 5, 7);
    PromptSource.Selection other = read(f, "prompt", "id", null, 5, 8);
    assertEquals(a.prompts(), b.prompts());
    assertEquals(5, a.prompts().size());
    List<Integer> idx = a.prompts().stream().map(PromptSource.Prompt::sourceIndex).toList();
    assertEquals(idx.stream().sorted().toList(), idx, "kept in source order");
    assertEquals(false, a.prompts().equals(other.prompts()), "another seed, another sample");
    PromptSource.Selection limited = read(f, "prompt", "id", 10, null, 0);
    assertEquals(10, limited.recordsRead());
    assertEquals("r9", limited.prompts().get(9).id());
  }

  @Test
  void aJsonlFileOfAHubDatasetRepoThroughTheCacheThenOffline() throws Exception {
    String jsonl = "{\"conversation\": [{\"role\": \"user\", \"content\": \"from the hub\"}]}\n";
    dev.harness.hub.FakeHub hub = new dev.harness.hub.FakeHub().add("datasets/", "org/chats", "data/part0.jsonl",
        jsonl.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.setDispatcher(hub);
      server.start();
      dev.harness.hub.HubSettings settings = new dev.harness.hub.HubSettings(server.url("/").toString(), null,
          dir.resolve("hf"), false);
      PromptsConfig cfg = new PromptsConfig("hf://org/chats/data/part0.jsonl", "conversation", null, null, null, 0L);
      PromptSource.Selection online = PromptSource.read(cfg, "c.yaml", () -> new dev.harness.hub.HubClient(settings));
      assertEquals(List.of(new PromptSource.Prompt(PromptSource.contentId("from the hub"), 0, "from the hub")),
          online.prompts());
      assertEquals(List.of("/datasets/org/chats/resolve/main/data/part0.jsonl"), hub.paths);
      PromptSource.Selection offline = PromptSource.read(cfg, "c.yaml",
          () -> new dev.harness.hub.HubClient(settings.withOffline(true)));
      assertEquals(online.prompts(), offline.prompts());
      assertEquals(1, hub.paths.size(), "served from the cache");
    }
  }
}
