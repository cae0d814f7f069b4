package dev.harness.metrics.control;

import java.util.List;

/** Scores a next-token distribution against an item's target. */
public interface ControlScorer {
  /** The scorers by config name ({@code control.scorer}). */
  List<String> NAMES = List.of("tvd", "sad_compat");

  ControlScore score(Distribution d, ControlTarget target);

  static ControlScorer of(String name, List<String> blocklist) {
    return switch (name) {
      case "tvd" -> new TvdScorer(blocklist);
      case "sad_compat" -> new SadCompatScorer(blocklist);
      default -> throw new IllegalArgumentException("unknown scorer '" + name + "' (expected one of " + NAMES + ")");
    };
  }
}
