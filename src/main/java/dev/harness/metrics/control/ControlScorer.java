package dev.harness.metrics.control;

import java.util.List;

/** Scores a next-token distribution against an item's target. */
public interface ControlScorer {
  /** The scorers by config name ({@code control.scorer}). */
  List<String> NAMES = List.of("tvd", "tvd_renormalized", "sad_compat");

  /** One line for reports: what the named scorer does with mass outside the two words. */
  static String describe(String name) {
    return switch (name) {
      case "tvd" -> "TVD over {w1, w2, other}: mass on every other token, blocklisted non-answers included, counts "
          + "against the model";
      case "tvd_renormalized" -> "opt-in: blocklisted mass removed and the rest renormalised before the TVD over "
          + "{w1, w2, other} (a non-answer neither helps nor hurts)";
      case "sad_compat" -> "SAD's original parser: blocklist on raw tokens, top two tokens sorted by size against "
          + "[p, q] in the stated order, no rest term (other-token mass is ignored)";
      default -> name;
    };
  }

  ControlScore score(Distribution d, ControlTarget target);

  static ControlScorer of(String name, List<String> blocklist) {
    return switch (name) {
      case "tvd" -> new TvdScorer(blocklist, false);
      case "tvd_renormalized" -> new TvdScorer(blocklist, true);
      case "sad_compat" -> new SadCompatScorer(blocklist);
      default -> throw new IllegalArgumentException("unknown scorer '" + name + "' (expected one of " + NAMES + ")");
    };
  }
}
