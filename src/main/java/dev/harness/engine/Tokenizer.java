package dev.harness.engine;

import java.util.List;

/** A model's tokenizer, as far as studies need it (prompt lengths in tokens, middle truncation). */
public interface Tokenizer {
  /** Token ids of {@code text}, with the tokenizer's default special tokens when {@code addSpecialTokens}. */
  List<Integer> encode(String text, boolean addSpecialTokens);

  String decode(List<Integer> ids);

  default int count(String text) { return encode(text, false).size(); }
}
