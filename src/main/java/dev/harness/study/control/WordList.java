package dev.harness.study.control;

import dev.harness.engine.Tokenizer;
import dev.harness.metrics.control.Words;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidate words: the built-in list ({@code dev/harness/control/words.txt}) or a file, one word a line
 * ({@code #} comments), kept in order, without duplicates (case-folded) or blocklisted words; then filtered by the
 * models' tokenizers in the context where the answer is read — right after the prefill {@code My answer is:}:
 * <ul>
 *   <li>{@code strict}: one token both as {@code "My answer is: w"} and {@code "My answer is:w"} for every tokenizer;</li>
 *   <li>{@code leading_space}: one token as {@code "My answer is: w"} — used when strict leaves fewer than the
 *       minimum (tiny vocabularies);</li>
 *   <li>{@code unfiltered}: the list as is — used when even that leaves fewer than two words, or no tokenizer is
 *       known (an OpenAI engine without {@code tokenizer}).</li>
 * </ul>
 */
final class WordList {
  static final String BUILTIN = "builtin";
  static final String RESOURCE = "/dev/harness/control/words.txt";

  /** A word that passed, with its single-token ids under the first tokenizer (null when not single). */
  record Word(String word, int listRank, Integer spaceTokenId, Integer nospaceTokenId) {}

  record Filtered(List<Word> words, String level, int candidates, int strictCount, int spaceCount) {}

  private WordList() {}

  static List<String> load(String source) {
    String text;
    if (BUILTIN.equals(source)) {
      try (InputStream in = WordList.class.getResourceAsStream(RESOURCE)) {
        if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      try {
        text = Files.readString(Path.of(source));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read word list " + source + ": " + e.getMessage(), e);
      }
    }
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      String w = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }

  /** Candidates in order, as written: distinct (case-folded; the first spelling wins), not blocklisted, no inner whitespace. */
  static List<String> candidates(List<String> words, List<String> blocklist) {
    Set<String> blocked = new HashSet<>();
    for (String b : blocklist) blocked.add(Words.normalize(b));
    Set<String> seen = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (String w : words) {
      String n = Words.normalize(w);
      if (n.isEmpty() || blocked.contains(n) || w.strip().chars().anyMatch(Character::isWhitespace)) continue;
      if (seen.add(n)) out.add(w.strip());
    }
    return out;
  }

  static Filtered filter(List<String> candidates, List<Tokenizer> tokenizers, int minCount) {
    if (tokenizers.isEmpty()) {
      List<Word> all = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) all.add(new Word(candidates.get(i), i, null, null));
      return new Filtered(all, "unfiltered", candidates.size(), -1, -1);
    }
    List<Word> strict = new ArrayList<>();
    List<Word> space = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      String w = candidates.get(i);
      boolean allSpace = true;
      boolean allBare = true;
      Integer spaceId = null;
      Integer bareId = null;
      for (int t = 0; t < tokenizers.size(); t++) {
        Integer s = singleAfterPrefill(tokenizers.get(t), " " + w);
        Integer b = singleAfterPrefill(tokenizers.get(t), w);
        allSpace &= s != null;
        allBare &= b != null;
        if (t == 0) {
          spaceId = s;
          bareId = b;
        }
      }
      if (allSpace) {
        Word word = new Word(w, i, spaceId, bareId);
        space.add(word);
        if (allBare) strict.add(word);
      }
    }
    if (strict.size() >= minCount) return new Filtered(strict, "strict", candidates.size(), strict.size(), space.size());
    if (space.size() >= 2) return new Filtered(space, "leading_space", candidates.size(), strict.size(), space.size());
    List<Word> all = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) all.add(new Word(candidates.get(i), i, null, null));
    return new Filtered(all, "unfiltered", candidates.size(), strict.size(), space.size());
  }

  /** The one token {@code suffix} adds after the prefill, or null when it adds several (or changes the prefill's). */
  static Integer singleAfterPrefill(Tokenizer tok, String suffix) {
    List<Integer> base = tok.encode(ControlPrompts.PREFILL, false);
    List<Integer> all = tok.encode(ControlPrompts.PREFILL + suffix, false);
    if (all.size() != base.size() + 1 || !all.subList(0, base.size()).equals(base)) return null;
    return all.get(all.size() - 1);
  }
}
