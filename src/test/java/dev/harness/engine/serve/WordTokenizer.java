package dev.harness.engine.serve;

import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test tokenizer: a token is a word with its leading whitespace (trailing whitespace is a token of its own). */
final class WordTokenizer implements Tokenizer {
  private static final Pattern PIECE = Pattern.compile("\\s*\\S+|\\s+");
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> vocab = new ArrayList<>();

  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PIECE.matcher(text);
    while (m.find()) out.add(m.group());
    return out;
  }

  synchronized int id(String piece) {
    return ids.computeIfAbsent(piece, p -> {
      vocab.add(p);
      return vocab.size() - 1;
    });
  }

  @Override
  public List<Integer> encode(String text, boolean addSpecialTokens) {
    List<Integer> out = new ArrayList<>();
    for (String p : pieces(text)) out.add(id(p));
    return out;
  }

  @Override
  public synchronized String decode(List<Integer> idList) {
    StringBuilder sb = new StringBuilder();
    for (int i : idList) sb.append(vocab.get(i));
    return sb.toString();
  }
}
