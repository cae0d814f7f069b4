package dev.harness.hub;

import okhttp3.HttpUrl;

/** Turns a failed resolve response into a {@link HubException} that says what to do about it. */
final class HubErrors {
  private HubErrors() {}

  static HubException forStatus(int code, ResponseMetadata meta, HubSettings settings, RepoType type, String repoId,
      String rev, String filename, HttpUrl url) {
    String what = HubClient.describe(type, repoId, rev, filename);
    String server = meta.errorMessage() == null ? "" : " Server said: " + meta.errorMessage();
    String msg;
    switch (code) {
      case 401:
        msg = "HTTP 401 Unauthorized for " + what + " (" + url + "): the repository is private or gated, or does not"
            + " exist. " + (settings.token() == null
                ? "No token is set: set HF_TOKEN to a token with read access."
                : "The token (HF_TOKEN) was rejected: check that it is valid and has read access.");
        break;
      case 403:
        msg = "HTTP 403 Forbidden for " + what + " (" + url + "): access denied. If the repository is gated, accept"
            + " its conditions at " + settings.endpoint() + "/" + (type == RepoType.DATASET ? "datasets/" : "")
            + repoId + " with the account of " + (settings.token() == null ? "a token set in HF_TOKEN." : "your token.");
        break;
      case 404:
        if ("RepoNotFound".equalsIgnoreCase(meta.errorCode())) {
          msg = "HTTP 404: repository '" + repoId + "' not found at " + settings.endpoint() + " (" + url + ")";
        } else if ("RevisionNotFound".equalsIgnoreCase(meta.errorCode())) {
          msg = "HTTP 404: revision '" + rev + "' not found in repository '" + repoId + "' (" + url + ")";
        } else {
          msg = "HTTP 404: " + what + " does not exist (" + url + "); check the repository id, revision and file name";
        }
        break;
      default:
        msg = "HTTP " + code + " for " + what + " (" + url + ")";
    }
    return new HubException(msg + server, code, null);
  }
}
