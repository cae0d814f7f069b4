package dev.harness.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import okio.BufferedSink;

/**
 * A MockWebServer dispatcher playing the Hub's resolve endpoint: {@code /[datasets/]org/name/resolve/<rev>/<file>}.
 * Small files answer 200 with {@code X-Repo-Commit} and a git-style {@code ETag}; LFS files answer 302 (with
 * {@code X-Repo-Commit} and {@code X-Linked-Etag} = sha256) to {@code /cdn/<sha256>}, which serves the bytes with an
 * unrelated ETag, as the real Hub and its CDN do. Missing files: 404 with {@code X-Error-Code: EntryNotFound}.
 */
public final class FakeHub extends Dispatcher {
  public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  private record Entry(byte[] bytes, boolean lfs, boolean truncate, String etagOverride) {}

  private final Map<String, Entry> files = new ConcurrentHashMap<>();
  private final Map<String, Entry> cdn = new ConcurrentHashMap<>();
  /** The info endpoint's file list per repo ({@code /api/datasets/<repo>/revision/main}). */
  private final Map<String, java.util.Set<String>> listings = new ConcurrentHashMap<>();
  public final List<String> paths = new CopyOnWriteArrayList<>();
  public final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile String requiredToken;

  /** {@code prefix} is "" for models and "datasets/" for datasets. */
  public FakeHub add(String prefix, String repoId, String filename, byte[] bytes, boolean lfs) {
    return put(prefix, repoId, filename, new Entry(bytes, lfs, false, null));
  }

  public FakeHub addText(String repoId, String filename, String text) {
    return add("", repoId, filename, text.getBytes(StandardCharsets.UTF_8), false);
  }

  /** A file whose body declares its full length but stops after 100 bytes and drops the connection. */
  public FakeHub addTruncated(String repoId, String filename, byte[] bytes) {
    return put("", repoId, filename, new Entry(bytes, false, true, null));
  }

  /** A file served with a wrong sha256 as X-Linked-Etag. */
  public FakeHub addWithWrongSha(String repoId, String filename, byte[] bytes) {
    return put("", repoId, filename, new Entry(bytes, true, false, "f".repeat(64)));
  }

  public FakeHub requireToken(String token) {
    this.requiredToken = token;
    return this;
  }

  private FakeHub put(String prefix, String repoId, String filename, Entry e) {
    listings.computeIfAbsent("/api/" + (prefix.isEmpty() ? "models/" : prefix) + repoId + "/revision/main",
        k -> new java.util.concurrent.ConcurrentSkipListSet<>()).add(filename);
    files.put("/" + prefix + repoId + "/resolve/main/" + filename, e);
    files.put("/" + prefix + repoId + "/resolve/" + COMMIT + "/" + filename, e);
    if (e.lfs()) cdn.put("/cdn/" + (e.etagOverride() != null ? e.etagOverride() : sha256(e.bytes())), e);
    return this;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    paths.add(path);
    String auth = request.getHeaders().get("Authorization");
    authorizations.add(auth == null ? "" : auth);
    if (path.startsWith("/cdn/")) {
      Entry e = cdn.get(path);
      if (e == null) return new MockResponse.Builder().code(404).build();
      return new MockResponse.Builder().code(200).addHeader("ETag", "\"cdn-" + e.bytes().length + "\"")
          .body(new Buffer().write(e.bytes())).build();
    }
    if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
      return new MockResponse.Builder().code(401).addHeader("X-Error-Code", "RepoNotFound")
          .addHeader("X-Error-Message", "Invalid credentials in Authorization header").build();
    }
    if (path.startsWith("/api/")) {
      java.util.Set<String> names = listings.get(path);
      if (names == null) return new MockResponse.Builder().code(404).build();
      StringBuilder json = new StringBuilder("{\"sha\": \"" + COMMIT + "\", \"siblings\": [");
      int i = 0;
      for (String n : names) json.append(i++ == 0 ? "" : ", ").append("{\"rfilename\": \"").append(n).append("\"}");
      return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body(json.append("]}").toString()).build();
    }
    Entry e = files.get(path);
    if (e == null) {
      return new MockResponse.Builder().code(404).addHeader("X-Repo-Commit", COMMIT)
          .addHeader("X-Error-Code", "EntryNotFound").addHeader("X-Error-Message", "Entry not found").build();
    }
    if (e.lfs()) {
      String sha = e.etagOverride() != null ? e.etagOverride() : sha256(e.bytes());
      return new MockResponse.Builder().code(302).addHeader("Location", "/cdn/" + sha)
          .addHeader("X-Repo-Commit", COMMIT).addHeader("X-Linked-Etag", "\"" + sha + "\"")
          .addHeader("ETag", "W/\"not-this-one\"").build();
    }
    MockResponse.Builder ok = new MockResponse.Builder().code(200).addHeader("X-Repo-Commit", COMMIT)
        .addHeader("ETag", "\"" + gitEtag(e.bytes()) + "\"");
    if (e.truncate()) {
      return ok.body(new MockResponseBody() {
        @Override public long getContentLength() { return e.bytes().length; }

        @Override public void writeTo(BufferedSink sink) throws IOException {
          sink.write(e.bytes(), 0, 100);
          sink.flush();
        }
      }).onResponseEnd(new SocketEffect.CloseSocket()).build();
    }
    return ok.body(new Buffer().write(e.bytes())).build();
  }

  /** The git blob sha1 of the content: the ETag the Hub sends for non-LFS files. */
  public static String gitEtag(byte[] bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
      md.update(bytes);
      return HexFormat.of().formatHex(md.digest());
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
