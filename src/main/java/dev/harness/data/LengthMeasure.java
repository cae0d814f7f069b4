package dev.harness.data;

import dev.harness.engine.Tokenizer;
import java.util.Objects;

/**
 * How prompt lengths are measured for binning. {@link #of(Tokenizer)} counts the model's tokens (no special tokens),
 * which is what LongBench binning means. {@link #approximate()} is the fallback when no tokenizer is available (e.g. a
 * remote engine that exposes none): {@code ceil(code points / 4.0)}, the usual ~4 characters per English token. The
 * {@link #name()} is recorded in the manifest so results say which one was used.
 */
public interface LengthMeasure {
  int length(String text);

  /** {@code tokenizer[:name]} or {@code approx_chars_div_4}. */
  String name();

  static LengthMeasure of(Tokenizer tokenizer) { return of(tokenizer, null); }

  /** @param tokenizerName recorded as {@code tokenizer:<name>} (e.g. the model id), or null for {@code tokenizer} */
  static LengthMeasure of(Tokenizer tokenizer, String tokenizerName) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    String name = tokenizerName == null || tokenizerName.isBlank() ? "tokenizer" : "tokenizer:" + tokenizerName;
    return new LengthMeasure() {
      @Override public int length(String text) { return tokenizer.count(text); }

      @Override public String name() { return name; }
    };
  }

  static LengthMeasure approximate() {
    return new LengthMeasure() {
      @Override public int length(String text) {
        return (int) Math.ceil(text.codePointCount(0, text.length()) / 4.0);
      }

      @Override public String name() { return "approx_chars_div_4"; }
    };
  }
}
