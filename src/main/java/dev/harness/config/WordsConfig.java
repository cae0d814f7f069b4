package dev.harness.config;

/** The {@code words:} section — output_control study: the word list built from the tokenizer. */
public record WordsConfig() {
  public static WordsConfig defaults() { return new WordsConfig(); }
}
