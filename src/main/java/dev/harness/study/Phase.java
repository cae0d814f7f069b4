package dev.harness.study;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The five lifecycle phases, in order. */
public enum Phase {
  PREPARE, RUN, SCORE, ANALYZE, REPORT;

  public String id() { return name().toLowerCase(Locale.ROOT); }

  public static Phase parse(String s) {
    for (Phase p : values()) {
      if (p.id().equalsIgnoreCase(s.strip())) return p;
    }
    throw new IllegalArgumentException("unknown phase '" + s + "' (expected one of " + ids() + ")");
  }

  public static List<String> ids() { return Arrays.stream(values()).map(Phase::id).toList(); }
}
