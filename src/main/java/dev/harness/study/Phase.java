package dev.harness.study;

import java.util.Arrays;
import java.util.List;

/** The five lifecycle phases, in order. */
public enum Phase {
  PREPARE(Ids.PREPARE), RUN(Ids.RUN), SCORE(Ids.SCORE), ANALYZE(Ids.ANALYZE), REPORT(Ids.REPORT);

  /** The phase names as constants (command names are annotation values), and {@code all}, the five in order. */
  public static final class Ids {
    public static final String PREPARE = "prepare";
    public static final String RUN = "run";
    public static final String SCORE = "score";
    public static final String ANALYZE = "analyze";
    public static final String REPORT = "report";
    public static final String ALL = "all";

    private Ids() {}
  }

  private final String id;

  Phase(String id) { this.id = id; }

  public String id() { return id; }

  public static Phase parse(String s) {
    for (Phase p : values()) {
      if (p.id().equalsIgnoreCase(s.strip())) return p;
    }
    throw new IllegalArgumentException("unknown phase '" + s + "' (expected one of " + ids() + ")");
  }

  public static List<String> ids() { return Arrays.stream(values()).map(Phase::id).toList(); }
}
