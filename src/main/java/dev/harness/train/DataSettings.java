package dev.harness.train;

/**
 * Training data: a JSONL file. {@code format} auto (by the first line's keys), {@code prompt_response}
 * ({"prompt", "response"}), {@code messages} ({"messages": [...]}, the last assistant message is the response) or
 * {@code targets} ({"prompt" | "messages", optional "prefill", "targets": {token_or_word: prob}}). {@code limit}
 * reads only the first N lines.
 */
public record DataSettings(String source, String format, Integer limit) {
  public DataSettings {
    format = format == null ? "auto" : format;
  }
}
