package dev.harness.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Maps engine errors and generated outputs onto the failure taxonomy of DESIGN §6. */
public final class FailureClassifier {
  /** Where a refusal phrase must occur to count. */
  public enum Anchor {
    /** At the start of the answer (after leading whitespace, quotes, asterisks), followed by a non-letter. */
    START,
    /** As the whole answer, trailing punctuation and whitespace ignored. */
    WHOLE_ANSWER
  }

  /** One explicit refusal phrase (lower case, ASCII apostrophe) and where it must occur. */
  public record RefusalPattern(String phrase, Anchor anchor) {}

  /**
   * The refusal patterns, matched case-insensitively with typographic apostrophes folded to {@code '}. Only explicit
   * refusals count: a phrase inside an otherwise normal answer does not, nor does "I don't know" (an abstention, scored
   * as a wrong answer) or "I have no comment" (a legitimate TruthfulQA answer). The bare "sorry" is a refusal only as the
   * whole answer.
   */
  public static final List<RefusalPattern> REFUSAL_PATTERNS = List.of(
      new RefusalPattern("i'm sorry", Anchor.START),
      new RefusalPattern("i am sorry", Anchor.START),
      new RefusalPattern("sorry, i", Anchor.START),
      new RefusalPattern("i apologize", Anchor.START),
      new RefusalPattern("i apologise", Anchor.START),
      new RefusalPattern("i cannot", Anchor.START),
      new RefusalPattern("i can't", Anchor.START),
      new RefusalPattern("i can not", Anchor.START),
      new RefusalPattern("i am unable", Anchor.START),
      new RefusalPattern("i'm unable", Anchor.START),
      new RefusalPattern("i am not able to", Anchor.START),
      new RefusalPattern("i'm not able to", Anchor.START),
      new RefusalPattern("as an ai", Anchor.START),
      new RefusalPattern("as a language model", Anchor.START),
      new RefusalPattern("i won't", Anchor.START),
      new RefusalPattern("i will not", Anchor.START),
      new RefusalPattern("i must decline", Anchor.START),
      new RefusalPattern("i refuse", Anchor.START),
      new RefusalPattern("sorry", Anchor.WHOLE_ANSWER));

  public static final String EVIDENCE_FINISH_LENGTH = "finish_reason=length";
  public static final String EVIDENCE_PROMPT_TRUNCATED = "prompt truncated to fit the context window";

  private FailureClassifier() {}

  /**
   * An infrastructure failure from an engine error. Evidence: {@code "status=429 attempts=6: <message>"}; the status
   * part is left out when there is none (local engines, connection errors). {@code kind} is the engine's error kind
   * name as stored ({@link FailureType#ofErrorKind}).
   */
  public static Failure fromError(String kind, Integer httpStatus, String message, int attempts) {
    Objects.requireNonNull(kind, "kind");
    FailureType type = FailureType.ofErrorKind(kind);
    StringBuilder ev = new StringBuilder();
    if (httpStatus != null) {
      ev.append("status=").append(httpStatus).append(' ');
    }
    ev.append("attempts=").append(attempts).append(": ");
    ev.append(message == null || message.isBlank() ? "(no message)" : message.strip());
    return new Failure(type, ev.toString());
  }

  /**
   * Every failure that applies to one generated output, in taxonomy order: EMPTY_OUTPUT (null or blank text),
   * TRUNCATED (finish_reason "length" and/or a truncated prompt: one failure, both reasons joined by "; " in its
   * evidence), REFUSAL (evidence = the matched phrase as written). Empty list when the output is fine.
   */
  public static List<Failure> classifyOutput(String text, String finishReason, boolean promptTruncated) {
    List<Failure> out = new ArrayList<>(2);
    boolean blank = text == null || text.isBlank();
    if (blank) {
      out.add(new Failure(FailureType.EMPTY_OUTPUT, text == null ? "no text" : "whitespace-only text"));
    }
    List<String> truncation = new ArrayList<>(2);
    if (finishReason != null && finishReason.strip().equalsIgnoreCase("length")) {
      truncation.add(EVIDENCE_FINISH_LENGTH);
    }
    if (promptTruncated) {
      truncation.add(EVIDENCE_PROMPT_TRUNCATED);
    }
    if (!truncation.isEmpty()) {
      out.add(new Failure(FailureType.TRUNCATED, String.join("; ", truncation)));
    }
    if (!blank) {
      String phrase = refusalPhrase(text);
      if (phrase != null) {
        out.add(new Failure(FailureType.REFUSAL, phrase));
      }
    }
    return List.copyOf(out);
  }

  /** A FORMAT_ERROR decided by a study, e.g. {@code formatError("no parsable choice in \"...\"")}. */
  public static Failure formatError(String what) {
    return new Failure(FailureType.FORMAT_ERROR, what);
  }

  /** The refusal phrase as written in {@code text}, or null when no pattern matches. */
  public static String refusalPhrase(String text) {
    if (text == null) {
      return null;
    }
    int start = 0;
    while (start < text.length() && !Character.isLetterOrDigit(text.charAt(start))) {
      start++;
    }
    String body = text.substring(start);
    // Folding is char-for-char, so offsets into `folded` are offsets into `body`.
    char[] chars = body.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = Character.toLowerCase(chars[i]);
      chars[i] = c == '\u2019' || c == '\u2018' ? '\'' : c;
    }
    String folded = new String(chars);
    String whole = stripTrailingNonWord(folded);
    for (RefusalPattern p : REFUSAL_PATTERNS) {
      int len = p.phrase().length();
      boolean match = switch (p.anchor()) {
        case START -> folded.startsWith(p.phrase())
            && (folded.length() == len || !Character.isLetterOrDigit(folded.charAt(len)));
        case WHOLE_ANSWER -> whole.equals(p.phrase());
      };
      if (match) {
        return body.substring(0, len);
      }
    }
    return null;
  }

  private static String stripTrailingNonWord(String s) {
    int end = s.length();
    while (end > 0 && !Character.isLetterOrDigit(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
