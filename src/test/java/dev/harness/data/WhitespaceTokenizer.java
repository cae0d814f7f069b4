package dev.harness.data;

import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test tokenizer: one token per word with its leading whitespace ("a b" → "a", " b"), so decode is concatenation. */
final class WhitespaceTokenizer implements Tokenizer {
  private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> vocab = new ArrayList<>();

  @Override
  public List<Integer> encode(String text, boolean addSpecialTokens) {
    List<Integer> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      out.add(ids.computeIfAbsent(m.group(), t -> {
        vocab.add(t);
        return vocab.size() - 1;
      }));
    }
    return out;
  }

  @Override
  public String decode(List<Integer> tokenIds) {
    StringBuilder sb = new StringBuilder();
    for (int id : tokenIds) sb.append(vocab.get(id));
    return sb.toString();
  }
}
