package dev.harness.study.kl;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Everything the dump reader did not use, counted by kind, with the first few occurrences (file:line: what). */
public final class DumpIssues {
  /** Kinds of problems; each is counted and reported, never silently dropped. */
  public enum Kind {
    MALFORMED_LINE("malformed lines (not a JSON object)"),
    MISSING_FIELD("lines missing prompt_id or response"),
    MISSING_LOGPROBS("responses without log-probabilities"),
    DUPLICATE_SAMPLE("duplicate (prompt_id, sample_index) lines, later ones ignored"),
    ONLY_IN_A("prompt ids only in A"),
    ONLY_IN_B("prompt ids only in B"),
    PROMPT_TEXT_DIFFERS("prompt ids whose prompt text differs between A and B"),
    CROSS_MISMATCH("teacher-forced scores (cross) not aligned with the response's tokens, ignored"),
    MISSING_CROSS("responses without teacher-forced scores (cross) while others have them"),
    UNPAIRED_SAMPLES("samples without a partner of the same rank in the other dump"),
    NOT_COMPARABLE("prompts in both dumps with nothing comparable");

    private final String label;

    Kind(String label) { this.label = label; }

    public String label() { return label; }
  }

  public static final int MAX_EXAMPLES = 5;

  private final Map<Kind, Long> counts = new EnumMap<>(Kind.class);
  private final Map<Kind, List<String>> examples = new EnumMap<>(Kind.class);

  public void add(Kind kind, String where) {
    counts.merge(kind, 1L, Long::sum);
    List<String> ex = examples.computeIfAbsent(kind, k -> new ArrayList<>());
    if (ex.size() < MAX_EXAMPLES) ex.add(where);
  }

  public long count(Kind kind) { return counts.getOrDefault(kind, 0L); }

  public List<String> examples(Kind kind) { return List.copyOf(examples.getOrDefault(kind, List.of())); }

  public boolean isEmpty() { return counts.isEmpty(); }

  /** One line per kind present: "3 malformed lines (not a JSON object), e.g. a.jsonl:7: ...". */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      long n = count(k);
      if (n == 0) continue;
      out.add(n + " " + k.label() + "; first: " + String.join(" | ", examples(k)));
    }
    return out;
  }
}
