package dev.harness.study;

import dev.harness.hub.HfCacheLayout;
import dev.harness.hub.HubSettings;
import dev.harness.hub.RepoType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Content fingerprints of what a unit's engine loads, for the unit identities:
 *
 * <ul>
 *   <li>{@link #checkpoint}: a local checkpoint folder (or file) — SHA-256 over every file's relative name and size,
 *       plus the SHA-256 of its bytes for files up to {@value #FULL_LIMIT} bytes (configs, tokenizers, small weights)
 *       and the modification time for larger ones (multi-GB shards are not read: an edited, replaced or re-downloaded
 *       shard changes size or mtime; a copied one counts as changed). Cached per (name, size, mtime) listing, so an
 *       unchanged checkpoint is read once per process. A Hub id
 *       {@code org/name[@rev]} is identified by the commit its revision resolves to in the local HF cache
 *       ({@code refs/<rev>}; a snapshot is content-addressed by commit), or {@code unresolved:<rev>} before the
 *       first download.</li>
 *   <li>{@link #full}: the SHA-256 of every byte of every file (for adapters: adapter_config.json and the weights,
 *       small enough to read whole); cached per (file, size, mtime) listing, so an unchanged adapter is read once per
 *       process.</li>
 * </ul>
 *
 * Null in, null out; a path that does not exist is {@code missing:<path>} (the engine will refuse it when it opens).
 */
public final class ContentHash {
  static final long FULL_LIMIT = 64L << 20;
  private static final Map<String, String> FULL = new ConcurrentHashMap<>();
  private static final Map<String, String> CHECKPOINT = new ConcurrentHashMap<>();

  private ContentHash() {}

  /** The checkpoint fingerprint of a local folder / file, or the resolved commit of a Hub id. */
  public static String checkpoint(String modelOrPath) {
    if (modelOrPath == null) return null;
    Path p = Path.of(modelOrPath);
    if (Files.exists(p)) {
      String listing = p.toAbsolutePath().normalize() + "\n" + listing(p);
      return CHECKPOINT.computeIfAbsent(listing, k -> "files:" + digestFiles(p, FULL_LIMIT).substring(0, 16));
    }
    if (modelOrPath.startsWith("/") || modelOrPath.startsWith(".")) return "missing:" + modelOrPath;
    int at = modelOrPath.indexOf('@');
    String repo = at < 0 ? modelOrPath : modelOrPath.substring(0, at);
    String rev = at < 0 ? "main" : modelOrPath.substring(at + 1);
    try {
      Path dir = HfCacheLayout.repoDir(HubSettings.fromEnv().hubCache(), RepoType.MODEL, repo);
      return HfCacheLayout.resolveCommit(dir, rev).map(c -> "commit:" + c).orElse("unresolved:" + rev);
    } catch (RuntimeException e) {
      return "unresolved:" + rev;
    }
  }

  /** The SHA-256 of every byte of the files under {@code path} (with their relative names), cached per listing. */
  public static String full(String path) {
    if (path == null) return null;
    Path p = Path.of(path);
    if (!Files.exists(p)) return "missing:" + path;
    String listing = p.toAbsolutePath().normalize() + "\n" + listing(p);
    return FULL.computeIfAbsent(listing, k -> "sha256:" + digestFiles(p, Long.MAX_VALUE).substring(0, 16));
  }

  private static List<Path> files(Path root) {
    if (Files.isRegularFile(root)) return List.of(root);
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
  }

  private static String name(Path root, Path f) {
    return Files.isRegularFile(root) ? f.getFileName().toString() : root.relativize(f).toString();
  }

  /** One line per file: name, size, mtime (the cache key: any change re-reads). */
  private static String listing(Path root) {
    StringBuilder sb = new StringBuilder();
    try {
      for (Path f : files(root)) {
        sb.append(name(root, f)).append('\t').append(Files.size(f)).append('\t')
            .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    }
    return sb.toString();
  }

  /** Per file: name, size, and the SHA-256 of its bytes (files up to {@code limit} bytes) or else its mtime. */
  private static String digestFiles(Path root, long limit) {
    StringBuilder sb = new StringBuilder();
    try {
      for (Path f : files(root)) {
        long size = Files.size(f);
        sb.append(name(root, f)).append('\t').append(size).append('\t')
            .append(size <= limit ? digest(List.of(f)) : "mtime=" + Files.getLastModifiedTime(f).toMillis()).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    }
    return Json.sha256(sb.toString());
  }

  private static String digest(List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + files + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
