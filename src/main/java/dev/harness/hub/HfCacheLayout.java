package dev.harness.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hugging Face cache tree, exactly as {@code huggingface_hub} writes it, so that Python tools and this program share
 * downloads:
 *
 * <pre>
 * $HF_HUB_CACHE/models--org--name/            (datasets--org--name for datasets)
 *   blobs/&lt;etag&gt;                              file contents, named by ETag (git sha1 or LFS sha256)
 *   refs/&lt;revision&gt;                           text file holding the commit hash the revision pointed to
 *   snapshots/&lt;commit&gt;/&lt;filename&gt;             relative symlink to ../../blobs/&lt;etag&gt; (a copy where links fail)
 *   .no_exist/&lt;commit&gt;/&lt;filename&gt;             empty marker: the file is known not to exist at that commit
 * </pre>
 *
 * Also {@link #layOut} / {@link #main}: build a valid cache entry from a local model folder (used by CI to serve
 * {@code hf-internal-testing/tiny-random-gpt2} offline).
 */
public final class HfCacheLayout {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern SAFE_BLOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private HfCacheLayout() {}

  /** {@code models--org--name} / {@code datasets--org--name} (an id without org gives {@code models--name}). */
  public static String folderName(RepoType type, String repoId) {
    checkRepoId(repoId);
    return type.cachePrefix() + "--" + repoId.replace("/", "--");
  }

  public static Path repoDir(Path hubCache, RepoType type, String repoId) {
    return hubCache.resolve(folderName(type, repoId));
  }

  public static Path blobPath(Path repoDir, String blobName) { return repoDir.resolve("blobs").resolve(blobName); }

  public static Path refPath(Path repoDir, String revision) { return repoDir.resolve("refs").resolve(revision); }

  public static Path snapshotDir(Path repoDir, String commit) { return repoDir.resolve("snapshots").resolve(commit); }

  public static Path snapshotPath(Path repoDir, String commit, String filename) {
    return snapshotDir(repoDir, commit).resolve(filename);
  }

  static Path noExistPath(Path repoDir, String commit, String filename) {
    return repoDir.resolve(".no_exist").resolve(commit).resolve(filename);
  }

  /** A full 40-hex-digit git commit hash (such a revision needs no refs/ lookup). */
  public static boolean isCommitHash(String revision) { return revision != null && COMMIT.matcher(revision).matches(); }

  static boolean isSha256(String s) { return s != null && SHA256.matcher(s).matches(); }

  static boolean isSafeBlobName(String s) { return s != null && SAFE_BLOB_NAME.matcher(s).matches(); }

  /** The commit a revision stands for in this cache: the revision itself if it is a hash, else refs/&lt;revision&gt;. */
  public static Optional<String> resolveCommit(Path repoDir, String revision) {
    if (isCommitHash(revision)) return Optional.of(revision);
    Path ref = refPath(repoDir, revision);
    if (!Files.isRegularFile(ref)) return Optional.empty();
    try {
      String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
      if (!isCommitHash(commit)) {
        throw new HubException("malformed cache ref " + ref + ": expected a 40-digit commit hash, found '" + commit + "'");
      }
      return Optional.of(commit);
    } catch (IOException e) {
      throw new HubException("cannot read cache ref " + ref + ": " + e.getMessage(), e);
    }
  }

  /** Writes refs/&lt;revision&gt; = commit atomically (not for a revision that is itself a commit hash). */
  public static void writeRef(Path repoDir, String revision, String commit) throws IOException {
    if (revision.equals(commit)) return;
    Path ref = refPath(repoDir, revision);
    Files.createDirectories(ref.getParent());
    Optional<String> current = Files.isRegularFile(ref)
        ? Optional.of(Files.readString(ref, StandardCharsets.UTF_8).trim()) : Optional.empty();
    if (current.isPresent() && current.get().equals(commit)) return;
    Path tmp = Files.createTempFile(ref.getParent(), ".ref-", ".tmp");
    try {
      Files.writeString(tmp, commit, StandardCharsets.UTF_8);
      moveAtomically(tmp, ref);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Points snapshots/&lt;commit&gt;/&lt;filename&gt; at the blob: a relative symlink ({@code ../../blobs/x}, one more
   * {@code ..} per folder in the filename), as huggingface_hub does; a copy where the file system refuses links.
   */
  public static void link(Path blob, Path snapshotFile) throws IOException {
    Files.createDirectories(snapshotFile.getParent());
    if (Files.exists(snapshotFile, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(snapshotFile)) {
      Files.delete(snapshotFile);
    }
    Path target = snapshotFile.getParent().toAbsolutePath().normalize()
        .relativize(blob.toAbsolutePath().normalize());
    try {
      Files.createSymbolicLink(snapshotFile, target);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Path tmp = Files.createTempFile(snapshotFile.getParent(), ".copy-", ".tmp");
      try {
        Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        moveAtomically(tmp, snapshotFile);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Records that {@code filename} does not exist at {@code commit} (huggingface_hub's .no_exist marker). */
  static void markMissing(Path repoDir, String commit, String filename) throws IOException {
    Path marker = noExistPath(repoDir, commit, filename);
    Files.createDirectories(marker.getParent());
    if (!Files.exists(marker)) Files.createFile(marker);
  }

  static boolean isKnownMissing(Path repoDir, String commit, String filename) {
    return Files.isRegularFile(noExistPath(repoDir, commit, filename));
  }

  /** Rename that is atomic where the file system allows it, replacing the target. */
  public static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Rejects ids that are not {@code name} or {@code org/name} (letters, digits, {@code . _ -}). */
  public static void checkRepoId(String repoId) {
    if (repoId == null) throw new HubException("repository id is missing");
    String[] parts = repoId.split("/", -1);
    boolean ok = parts.length >= 1 && parts.length <= 2;
    for (String p : parts) ok &= REPO_PART.matcher(p).matches() && !p.contains("..");
    if (!ok) throw new HubException("invalid repository id '" + repoId + "': expected 'org/name' or 'name'");
  }

  /** Rejects file names that are absolute or climb out of the snapshot ({@code ..}). */
  public static void checkFilename(String filename) {
    if (filename == null || filename.isBlank() || filename.startsWith("/") || filename.contains("\\")) {
      throw new HubException("invalid repository file name '" + filename + "'");
    }
    for (String part : filename.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new HubException("invalid repository file name '" + filename + "'");
      }
    }
  }

  /**
   * Builds the cache entry for {@code repoId} from the files of {@code sourceDir} (recursively; dot-files and
   * dot-folders are skipped): each file becomes blobs/&lt;sha256&gt;, snapshots/&lt;commit&gt;/&lt;path&gt; links to
   * it, refs/main holds the commit. Idempotent.
   *
   * @param hfHome the HF_HOME folder; the entry goes under {@code hfHome/hub}
   * @param commit the commit hash to record, or null for one derived from the files (sha1 over sorted paths and
   *     content hashes, so the same folder always gives the same commit)
   * @return the snapshot folder
   */
  public static Path layOut(Path hfHome, RepoType type, String repoId, String commit, Path sourceDir) throws IOException {
    if (!Files.isDirectory(sourceDir)) throw new HubException("source folder not found: " + sourceDir);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(sourceDir)) {
      walk.filter(p -> Files.isRegularFile(p))
          .filter(p -> !isHidden(sourceDir.relativize(p)))
          .sorted()
          .forEach(files::add);
    }
    if (files.isEmpty()) throw new HubException("source folder " + sourceDir + " holds no files");
    List<String> names = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (Path f : files) {
      names.add(sourceDir.relativize(f).toString().replace('\\', '/'));
      hashes.add(sha256(f));
    }
    if (commit == null) commit = derivedCommit(names, hashes);
    if (!isCommitHash(commit)) throw new HubException("commit must be 40 lower-case hex digits, got '" + commit + "'");

    Path repoDir = repoDir(hfHome.resolve("hub"), type, repoId);
    Files.createDirectories(repoDir.resolve("blobs"));
    for (int i = 0; i < files.size(); i++) {
      Path blob = blobPath(repoDir, hashes.get(i));
      if (!Files.isRegularFile(blob)) {
        Path tmp = Files.createTempFile(blob.getParent(), hashes.get(i), ".incomplete");
        try {
          Files.copy(files.get(i), tmp, StandardCopyOption.REPLACE_EXISTING);
          moveAtomically(tmp, blob);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      link(blob, snapshotPath(repoDir, commit, names.get(i)));
    }
    writeRef(repoDir, "main", commit);
    return snapshotDir(repoDir, commit);
  }

  /** {@code HfCacheLayout HF_HOME model|dataset ORG/NAME SOURCE_DIR [COMMIT]}: prints the snapshot folder. */
  public static void main(String[] args) {
    if (args.length < 4 || args.length > 5) {
      System.err.println("usage: HfCacheLayout HF_HOME model|dataset ORG/NAME SOURCE_DIR [COMMIT]");
      System.exit(2);
    }
    try {
      Path snapshot = layOut(Path.of(args[0]), RepoType.parse(args[1]), args[2], args.length == 5 ? args[4] : null,
          Path.of(args[3]));
      System.out.println(snapshot);
    } catch (IOException | RuntimeException e) {
      System.err.println("HfCacheLayout: " + e.getMessage());
      System.exit(1);
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) if (part.toString().startsWith(".")) return true;
    return false;
  }

  static String derivedCommit(List<String> names, List<String> hashes) {
    MessageDigest sha1 = digest("SHA-1");
    for (int i = 0; i < names.size(); i++) {
      sha1.update((names.get(i) + "\0" + hashes.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = digest("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " not available", e);
    }
  }
}
