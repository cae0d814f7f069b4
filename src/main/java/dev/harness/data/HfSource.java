package dev.harness.data;

import java.util.Optional;

/**
 * A data source on the Hugging Face Hub, written {@code hf://org/name[@revision][/path/in/repo]}: the dataset repo
 * ({@code org/name}), its revision ({@code main} when none is given) and the file inside it ({@code null} when the
 * source names none). What a reader accepts as {@code path} (and what it does without one) is its own business.
 */
public record HfSource(String repo, String revision, String path) {
  public static final String PREFIX = "hf://";

  /** Whether {@code source} is a Hub address rather than a local file. */
  public static boolean is(String source) { return source.startsWith(PREFIX); }

  /** The parts of a {@code hf://} source; empty when it does not name both an org and a name. */
  public static Optional<HfSource> parse(String source) {
    String[] parts = source.substring(PREFIX.length()).split("/", 3);
    if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) return Optional.empty();
    String name = parts[1];
    String revision = "main";
    int at = name.indexOf('@');
    if (at >= 0) {
      revision = name.substring(at + 1);
      name = name.substring(0, at);
    }
    return Optional.of(new HfSource(parts[0] + "/" + name, revision, parts.length == 3 ? parts[2] : null));
  }
}
