package dev.harness.config;

import dev.harness.HarnessException;

/** An invalid configuration: names the file, the field path and what was expected. Exit code 2. */
public class ConfigException extends HarnessException {
  private final String file;
  private final String fieldPath;

  public ConfigException(String file, String fieldPath, String message) {
    super(format(file, fieldPath, message), 2);
    this.file = file;
    this.fieldPath = fieldPath;
  }

  private static String format(String file, String fieldPath, String message) {
    StringBuilder sb = new StringBuilder();
    if (file != null) sb.append(file).append(": ");
    if (fieldPath != null && !fieldPath.isEmpty()) sb.append(fieldPath).append(": ");
    return sb.append(message).toString();
  }

  public String file() { return file; }

  public String fieldPath() { return fieldPath; }
}
