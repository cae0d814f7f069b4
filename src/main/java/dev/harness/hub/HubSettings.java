package dev.harness.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to reach the Hugging Face Hub, with the same environment variables as {@code huggingface_hub}.
 *
 * @param endpoint base URL, {@code HF_ENDPOINT} (default {@code https://huggingface.co}), no trailing slash
 * @param token access token or null: {@code HF_TOKEN}, else {@code HUGGING_FACE_HUB_TOKEN}, else the file
 *     {@code $HF_HOME/token} written by {@code huggingface-cli login}
 * @param hfHome {@code HF_HOME} (default {@code ~/.cache/huggingface}; {@code XDG_CACHE_HOME/huggingface} when set)
 * @param offline {@code HF_HUB_OFFLINE} (else {@code TRANSFORMERS_OFFLINE}) is 1/true/yes/on: never touch the network
 * @param hubCache the hub cache folder: {@code HF_HUB_CACHE} (or the older {@code HUGGINGFACE_HUB_CACHE}), default
 *     {@code $HF_HOME/hub}
 */
public record HubSettings(String endpoint, String token, Path hfHome, boolean offline, Path hubCache) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  public HubSettings {
    Objects.requireNonNull(hfHome, "hfHome");
    endpoint = (endpoint == null || endpoint.isBlank()) ? DEFAULT_ENDPOINT : stripTrailingSlash(endpoint.trim());
    token = (token == null || token.isBlank()) ? null : token.trim();
    if (hubCache == null) hubCache = hfHome.resolve("hub");
  }

  /** Settings with the hub cache at {@code hfHome/hub}. */
  public HubSettings(String endpoint, String token, Path hfHome, boolean offline) {
    this(endpoint, token, hfHome, offline, null);
  }

  /** Reads the process environment. */
  public static HubSettings fromEnv() { return fromEnv(System.getenv()); }

  /** Reads the given environment map (for tests and embedding). */
  public static HubSettings fromEnv(Map<String, String> env) {
    Path hfHome;
    if (nonBlank(env.get("HF_HOME"))) {
      hfHome = expandHome(env.get("HF_HOME"));
    } else if (nonBlank(env.get("XDG_CACHE_HOME"))) {
      hfHome = expandHome(env.get("XDG_CACHE_HOME")).resolve("huggingface");
    } else {
      hfHome = Path.of(System.getProperty("user.home"), ".cache", "huggingface");
    }
    Path hubCache = null;
    if (nonBlank(env.get("HF_HUB_CACHE"))) hubCache = expandHome(env.get("HF_HUB_CACHE"));
    else if (nonBlank(env.get("HUGGINGFACE_HUB_CACHE"))) hubCache = expandHome(env.get("HUGGINGFACE_HUB_CACHE"));

    String token = env.get("HF_TOKEN");
    if (!nonBlank(token)) token = env.get("HUGGING_FACE_HUB_TOKEN");
    if (!nonBlank(token)) {
      Path tokenFile = nonBlank(env.get("HF_TOKEN_PATH")) ? expandHome(env.get("HF_TOKEN_PATH")) : hfHome.resolve("token");
      token = readTokenFile(tokenFile);
    }
    return new HubSettings(env.get("HF_ENDPOINT"), token, hfHome, isTrue(offlineFlag(env)), hubCache);
  }

  /**
   * {@code HF_HUB_OFFLINE}, else {@code TRANSFORMERS_OFFLINE}: huggingface_hub's rule
   * ({@code constants.py}: {@code _is_true(os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE"))}),
   * so a non-empty {@code HF_HUB_OFFLINE=0} wins over {@code TRANSFORMERS_OFFLINE=1}.
   */
  static String offlineFlag(Map<String, String> env) {
    String v = env.get("HF_HUB_OFFLINE");
    return v != null && !v.isEmpty() ? v : env.get("TRANSFORMERS_OFFLINE");
  }

  /** A copy with another offline flag. */
  public HubSettings withOffline(boolean offline) {
    return new HubSettings(endpoint, token, hfHome, offline, hubCache);
  }

  /** Never prints the token itself. */
  @Override
  public String toString() {
    return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "<none>" : "<redacted>")
        + ", hfHome=" + hfHome + ", hubCache=" + hubCache + ", offline=" + offline + "]";
  }

  static boolean isTrue(String v) {
    if (v == null) return false;
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "1": case "true": case "yes": case "on": return true;
      default: return false;
    }
  }

  private static String readTokenFile(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        String t = Files.readString(file, StandardCharsets.UTF_8).trim();
        return t.isEmpty() ? null : t;
      }
    } catch (IOException | SecurityException e) {
      // an unreadable token file is the same as no token
    }
    return null;
  }

  private static boolean nonBlank(String s) { return s != null && !s.isBlank(); }

  private static Path expandHome(String p) {
    String s = p.trim();
    if (s.equals("~") || s.startsWith("~/")) s = System.getProperty("user.home") + s.substring(1);
    return Path.of(s);
  }

  private static String stripTrailingSlash(String s) {
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    return s;
  }
}
