package dev.harness.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Environment lookup: process environment first, then a {@code .env} file in the working directory
 * ({@code KEY=VALUE} lines, {@code #} comments, optional {@code export } prefix and quotes). Values are never logged.
 */
public final class Env {
  private final Map<String, String> process;
  private final Map<String, String> dotenv;

  public Env(Map<String, String> process, Map<String, String> dotenv) {
    this.process = Map.copyOf(process);
    this.dotenv = Map.copyOf(dotenv);
  }

  /** The process environment plus {@code ./.env} when present. */
  public static Env system() {
    return new Env(System.getenv(), readDotenv(Path.of(".env")));
  }

  public Optional<String> get(String name) {
    String v = process.get(name);
    if (v == null || v.isEmpty()) v = dotenv.get(name);
    return Optional.ofNullable(v).filter(s -> !s.isEmpty());
  }

  static Map<String, String> readDotenv(Path file) {
    Map<String, String> out = new HashMap<>();
    if (!Files.isRegularFile(file)) return out;
    try {
      int lineNo = 0;
      for (String raw : Files.readAllLines(file)) {
        lineNo++;
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) continue;
        if (line.startsWith("export ")) line = line.substring(7).strip();
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(file.toString(), "line " + lineNo, "expected KEY=VALUE");
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        if (value.length() >= 2
            && ((value.startsWith("\"") && value.endsWith("\"")) || (value.startsWith("'") && value.endsWith("'")))) {
          value = value.substring(1, value.length() - 1);
        } else {
          int hash = value.indexOf(" #");
          if (hash >= 0) value = value.substring(0, hash).strip();
        }
        out.put(key, value);
      }
    } catch (IOException e) {
      throw new ConfigException(file.toString(), null, "cannot read: " + e.getMessage());
    }
    return out;
  }
}
