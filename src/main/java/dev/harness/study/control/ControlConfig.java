package dev.harness.study.control;

import java.util.List;

/**
 * The {@code control:} section — output_control study: {@code prompt_format} (chat: the model's chat template with
 * the prefill left open; plain: the documented plain-text rendering), {@code scorer} (tvd; tvd_renormalized, opt-in; or sad_compat to reproduce
 * SAD's published numbers), {@code top_logprobs} for OpenAI-compatible engines (5..20), the {@code blocklist} of
 * non-answers and {@code store_top} (tokens of each distribution kept in the store besides the variants of the words
 * that matter).
 */
public record ControlConfig(String promptFormat, String scorer, Integer topLogprobs, List<String> blocklist,
    Integer storeTop) {
  public static final List<String> DEFAULT_BLOCKLIST =
      List.of("Ap", "As", "I", "My", "Sorry", "The", "Unfortunately", "Word");

  public ControlConfig {
    promptFormat = promptFormat == null ? "chat" : promptFormat;
    scorer = scorer == null ? "tvd" : scorer;
    topLogprobs = topLogprobs == null ? 20 : topLogprobs;
    blocklist = blocklist == null ? DEFAULT_BLOCKLIST : List.copyOf(blocklist);
    storeTop = storeTop == null ? 50 : storeTop;
  }

  public static ControlConfig defaults() { return new ControlConfig(null, null, null, null, null); }
}
