package dev.harness.hub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.Response;

/**
 * Hub headers of a resolve response, looked up across the redirect chain (the Hub's own 302 for LFS files carries
 * {@code X-Repo-Commit} and {@code X-Linked-Etag}; the CDN response at the end does not).
 *
 * @param commit {@code X-Repo-Commit}, or null
 * @param etag the normalised {@code X-Linked-Etag} (LFS sha256) if any, else the Hub's {@code ETag}, or null
 * @param errorCode {@code X-Error-Code} (e.g. EntryNotFound, RepoNotFound, RevisionNotFound, GatedRepo), or null
 * @param errorMessage {@code X-Error-Message}, or null
 */
record ResponseMetadata(String commit, String etag, String errorCode, String errorMessage) {
  static ResponseMetadata of(Response last) {
    List<Response> chain = new ArrayList<>();
    for (Response r = last; r != null; r = r.priorResponse()) chain.add(r);
    Collections.reverse(chain); // first request first: the Hub's own response
    String commit = first(chain, "X-Repo-Commit");
    String etag = first(chain, "X-Linked-Etag");
    if (etag == null) etag = first(chain, "ETag");
    return new ResponseMetadata(commit == null ? null : commit.trim(), normalizeEtag(etag),
        last.header("X-Error-Code"), last.header("X-Error-Message"));
  }

  /** A 404 about the file (not the repo or revision): what {@code optionalFile} may turn into "absent". */
  boolean isEntryNotFound() {
    return errorCode == null || errorCode.equalsIgnoreCase("EntryNotFound");
  }

  /** Strips a weak-validator prefix and quotes, as huggingface_hub does. */
  static String normalizeEtag(String etag) {
    if (etag == null) return null;
    String e = etag.trim();
    if (e.startsWith("W/")) e = e.substring(2);
    e = e.replace("\"", "");
    return e.isEmpty() ? null : e;
  }

  private static String first(List<Response> chain, String header) {
    for (Response r : chain) {
      String v = r.header(header);
      if (v != null && !v.isBlank()) return v;
    }
    return null;
  }
}
