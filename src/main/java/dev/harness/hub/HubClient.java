package dev.harness.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The one Hugging Face Hub client: resolves repository files to paths in the standard cache (see {@link
 * HfCacheLayout}), downloading what is missing.
 *
 * <p>Resolution of {@code (type, repo, revision, file)}: if the revision maps to a commit in the cache (refs/ or a
 * hash) and snapshots/&lt;commit&gt;/&lt;file&gt; exists, that path is returned without network. Otherwise, with
 * {@code HF_HUB_OFFLINE} set, a {@link HubException} names the repo, file and cache path. Otherwise the file is fetched
 * from {@code {endpoint}/[datasets/]{repo}/resolve/{revision}/{file}} (Bearer token when set, redirects followed);
 * {@code X-Repo-Commit} gives the commit and {@code X-Linked-Etag}/{@code ETag} the blob name.
 */
public final class HubClient {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final String USER_AGENT = "harness/0.1; java/" + System.getProperty("java.version");

  private final HubSettings settings;
  private final OkHttpClient http;

  public HubClient(HubSettings settings) { this(settings, defaultHttp()); }

  public HubClient(HubSettings settings, OkHttpClient http) {
    this.settings = settings;
    this.http = http.newBuilder().followRedirects(true).followSslRedirects(true).build();
  }

  public static HubClient fromEnv() { return new HubClient(HubSettings.fromEnv()); }

  public HubSettings settings() { return settings; }

  /** The local path of a repository file, downloading it if needed. Revision null means {@code main}. */
  public Path file(RepoType type, String repoId, String revision, String filename) {
    return fetch(type, repoId, revision, filename, true).orElseThrow().path();
  }

  /**
   * Like {@link #file}, but a file that does not exist in the repository (HTTP 404 for the file, a cached
   * {@code .no_exist} marker, or offline and not cached) gives empty instead of an error. 401/403 still throw.
   */
  public Optional<Path> optionalFile(RepoType type, String repoId, String revision, String filename) {
    return fetch(type, repoId, revision, filename, false).map(CachedFile::path);
  }

  /** The cached path of a file, never touching the network. */
  public Optional<Path> cachedFile(RepoType type, String repoId, String revision, String filename) {
    HfCacheLayout.checkFilename(filename);
    Path repoDir = HfCacheLayout.repoDir(settings.hubCache(), type, repoId);
    return HfCacheLayout.resolveCommit(repoDir, rev(revision))
        .map(c -> HfCacheLayout.snapshotPath(repoDir, c, filename))
        .filter(Files::exists);
  }

  /**
   * Fetches every file in {@code requiredFiles} at one commit (the first file fixes the commit the revision stands
   * for) and returns the snapshot folder holding them.
   */
  public Path snapshotDir(RepoType type, String repoId, String revision, List<String> requiredFiles) {
    if (requiredFiles.isEmpty()) throw new IllegalArgumentException("requiredFiles is empty");
    String pinned = rev(revision);
    String commit = null;
    for (String f : requiredFiles) {
      CachedFile cf = fetch(type, repoId, pinned, f, true).orElseThrow();
      commit = cf.commit();
      pinned = commit;
    }
    return HfCacheLayout.snapshotDir(HfCacheLayout.repoDir(settings.hubCache(), type, repoId), commit);
  }

  /** The snapshot folder the revision points to in the cache, if any (no network). */
  public Optional<Path> cachedSnapshot(RepoType type, String repoId, String revision) {
    Path repoDir = HfCacheLayout.repoDir(settings.hubCache(), type, repoId);
    return HfCacheLayout.resolveCommit(repoDir, rev(revision))
        .map(c -> HfCacheLayout.snapshotDir(repoDir, c))
        .filter(Files::isDirectory);
  }

  /**
   * The files of a repository at a revision, sorted: from the Hub's info endpoint
   * ({@code {endpoint}/api/[datasets|models]/{repo}/revision/{revision}}, its {@code siblings[].rfilename}), or, with
   * {@code HF_HUB_OFFLINE} set, the files of the cached snapshot (a partial list: only what was downloaded).
   */
  public List<String> listFiles(RepoType type, String repoId, String revision) {
    HfCacheLayout.checkRepoId(repoId);
    String rev = rev(revision);
    if (settings.offline()) {
      Path snap = cachedSnapshot(type, repoId, rev).orElseThrow(() -> new HubException("HF_HUB_OFFLINE=1 is set and "
          + (type == RepoType.DATASET ? "dataset" : "model") + " repo '" + repoId + "' (revision " + rev
          + ") is not in the cache; run once with network access, or unset HF_HUB_OFFLINE"));
      try (java.util.stream.Stream<Path> walk = Files.walk(snap)) {
        return walk.filter(p -> !Files.isDirectory(p)).map(p -> snap.relativize(p).toString().replace('\\', '/'))
            .sorted().toList();
      } catch (IOException e) {
        throw new HubException("cannot list the cached snapshot " + snap + ": " + e.getMessage(), e);
      }
    }
    HttpUrl url = endpoint().newBuilder().addPathSegment("api").addPathSegment(type.cachePrefix())
        .addPathSegments(repoId).addPathSegment("revision").addPathSegment(rev).build();
    try (Response response = http.newCall(get(url)).execute()) {
      if (!response.isSuccessful()) {
        throw new HubException("listing " + (type == RepoType.DATASET ? "dataset" : "model") + " repo '" + repoId
            + "' (revision " + rev + ") at " + url + " failed: HTTP " + response.code()
            + (response.code() == 401 || response.code() == 403 ? " (gated or private: set HF_TOKEN)" : ""));
      }
      com.fasterxml.jackson.databind.JsonNode info = JSON.readTree(response.body().string());
      if (!info.has("siblings")) throw new HubException(url + " answered without a siblings list: not a Hub info endpoint");
      List<String> names = new java.util.ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode sib : info.path("siblings")) {
        if (sib.path("rfilename").isTextual()) names.add(sib.path("rfilename").asText());
      }
      return names.stream().sorted().toList();
    } catch (IOException e) {
      throw new HubException("listing repo '" + repoId + "' at " + url + " failed: " + e.getMessage(), e);
    }
  }

  /** A resolved file and the commit of its snapshot. */
  record CachedFile(Path path, String commit) {}

  Optional<CachedFile> fetch(RepoType type, String repoId, String revision, String filename, boolean required) {
    HfCacheLayout.checkRepoId(repoId);
    HfCacheLayout.checkFilename(filename);
    String rev = rev(revision);
    Path repoDir = HfCacheLayout.repoDir(settings.hubCache(), type, repoId);
    Optional<String> commit = HfCacheLayout.resolveCommit(repoDir, rev);
    if (commit.isPresent()) {
      Path snap = HfCacheLayout.snapshotPath(repoDir, commit.get(), filename);
      if (Files.exists(snap)) return Optional.of(new CachedFile(snap, commit.get()));
      if (!required && HfCacheLayout.isKnownMissing(repoDir, commit.get(), filename)) return Optional.empty();
    }
    if (settings.offline()) {
      if (!required) return Optional.empty();
      Path lookedIn = commit.map(c -> HfCacheLayout.snapshotPath(repoDir, c, filename))
          .orElse(HfCacheLayout.refPath(repoDir, rev));
      throw new HubException("HF_HUB_OFFLINE=1 is set and " + describe(type, repoId, rev, filename)
          + " is not in the cache (looked in " + lookedIn + "); run once with network access, or unset HF_HUB_OFFLINE");
    }
    return download(type, repoId, rev, filename, repoDir, required);
  }

  private Optional<CachedFile> download(
      RepoType type, String repoId, String rev, String filename, Path repoDir, boolean required) {
    HttpUrl url = resolveUrl(type, repoId, rev, filename);
    try (Response response = http.newCall(get(url)).execute()) {
      ResponseMetadata meta = ResponseMetadata.of(response);
      if (!response.isSuccessful()) {
        if (!required && response.code() == 404 && meta.isEntryNotFound()) {
          if (meta.commit() != null) HfCacheLayout.markMissing(repoDir, meta.commit(), filename);
          return Optional.empty();
        }
        throw HubErrors.forStatus(response.code(), meta, settings, type, repoId, rev, filename, url);
      }
      String commit = meta.commit() != null ? meta.commit() : HfCacheLayout.isCommitHash(rev) ? rev : null;
      if (commit == null) {
        throw new HubException(url + " answered without an X-Repo-Commit header: " + settings.endpoint()
            + " does not look like a Hugging Face Hub endpoint (check HF_ENDPOINT)");
      }
      String blobName = HfCacheLayout.isSafeBlobName(meta.etag()) ? meta.etag() : null;
      Path blob = blobName == null ? null : HfCacheLayout.blobPath(repoDir, blobName);
      if (blob == null || !Files.isRegularFile(blob)) {
        blob = BlobDownloader.download(response.body(), repoDir.resolve("blobs"), blobName, repoId + "/" + filename);
      }
      Path snap = HfCacheLayout.snapshotPath(repoDir, commit, filename);
      HfCacheLayout.link(blob, snap);
      HfCacheLayout.writeRef(repoDir, rev, commit);
      return Optional.of(new CachedFile(snap, commit));
    } catch (IOException e) {
      throw new HubException("download of " + describe(type, repoId, rev, filename) + " from " + url + " failed: "
          + e.getMessage() + " (nothing partial was left in " + repoDir + ")", e);
    }
  }

  private HttpUrl endpoint() {
    HttpUrl base = HttpUrl.parse(settings.endpoint());
    if (base == null) throw new HubException("HF_ENDPOINT is not an http(s) URL: '" + settings.endpoint() + "'");
    return base;
  }

  /** A GET with the client's User-Agent and, when a token is set, its Bearer authorization. */
  private Request get(HttpUrl url) {
    Request.Builder request = new Request.Builder().url(url).get().header("User-Agent", USER_AGENT);
    if (settings.token() != null) request.header("Authorization", "Bearer " + settings.token());
    return request.build();
  }

  /** {@code {endpoint}/[datasets/]{org}/{name}/resolve/{revision}/{filename}}, revision URL-encoded as one segment. */
  HttpUrl resolveUrl(RepoType type, String repoId, String revision, String filename) {
    HttpUrl.Builder b = endpoint().newBuilder();
    if (!type.urlPrefix().isEmpty()) b.addPathSegment("datasets");
    return b.addPathSegments(repoId).addPathSegment("resolve").addPathSegment(revision).addPathSegments(filename)
        .build();
  }

  static String describe(RepoType type, String repoId, String rev, String filename) {
    return "file '" + filename + "' of " + (type == RepoType.DATASET ? "dataset" : "model") + " repo '" + repoId
        + "' (revision " + rev + ")";
  }

  private static String rev(String revision) { return revision == null || revision.isBlank() ? "main" : revision; }

  private static OkHttpClient defaultHttp() {
    return new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(30)).readTimeout(Duration.ofSeconds(60))
        .build();
  }
}
