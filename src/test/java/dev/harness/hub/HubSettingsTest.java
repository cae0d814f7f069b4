package dev.harness.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {
  @TempDir Path home;

  @Test
  void defaults() {
    HubSettings s = HubSettings.fromEnv(Map.of("HF_HOME", home.toString()));
    assertEquals("https://huggingface.co", s.endpoint());
    assertNull(s.token());
    assertFalse(s.offline());
    assertEquals(home.resolve("hub"), s.hubCache());
    HubSettings noHome = HubSettings.fromEnv(Map.of());
    assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface"), noHome.hfHome());
  }

  @Test
  void readsEveryVariable() {
    HubSettings s = HubSettings.fromEnv(Map.of("HF_ENDPOINT", "http://127.0.0.1:9/mirror/", "HF_HOME", home.toString(),
        "HF_HUB_CACHE", home.resolve("elsewhere").toString(), "HUGGING_FACE_HUB_TOKEN", "hf_old",
        "HF_HUB_OFFLINE", "true"));
    assertEquals("http://127.0.0.1:9/mirror", s.endpoint());
    assertEquals("hf_old", s.token());
    assertTrue(s.offline());
    assertEquals(home.resolve("elsewhere"), s.hubCache());
    assertEquals("hf_new",
        HubSettings.fromEnv(Map.of("HF_TOKEN", "hf_new", "HUGGING_FACE_HUB_TOKEN", "hf_old")).token());
    assertTrue(HubSettings.fromEnv(Map.of("HF_HUB_OFFLINE", "1")).offline());
    assertFalse(HubSettings.fromEnv(Map.of("HF_HUB_OFFLINE", "0")).offline());
    // huggingface_hub constants.py: HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE (a set HF_HUB_OFFLINE wins)
    assertTrue(HubSettings.fromEnv(Map.of("TRANSFORMERS_OFFLINE", "1")).offline());
    assertFalse(HubSettings.fromEnv(Map.of("TRANSFORMERS_OFFLINE", "0")).offline());
    assertFalse(HubSettings.fromEnv(Map.of("HF_HUB_OFFLINE", "0", "TRANSFORMERS_OFFLINE", "1")).offline());
    assertTrue(HubSettings.fromEnv(Map.of("HF_HUB_OFFLINE", "", "TRANSFORMERS_OFFLINE", "yes")).offline());
  }

  @Test
  void tokenFileFromLogin() throws IOException {
    Files.writeString(home.resolve("token"), "hf_from_file\n");
    assertEquals("hf_from_file", HubSettings.fromEnv(Map.of("HF_HOME", home.toString())).token());
  }

  @Test
  void toStringRedactsTheToken() {
    HubSettings s = new HubSettings(null, "hf_supersecret", home, false);
    assertFalse(s.toString().contains("hf_supersecret"), s.toString());
    assertTrue(s.toString().contains("<redacted>"));
  }
}
