package dev.harness.study.kl;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.EngineIdentity;
import dev.harness.study.UnitIdentity;

/**
 * Everything that decides one kl sample: the sampling engine ({@link EngineIdentity}: model and checkpoint hash,
 * adapter and its hash, quantization, dtype, merge mode, endpoint, base URL), the exact prompt text (its SHA-256),
 * every generation parameter (max_tokens, temperature, top_p, the base seed the unit's seed derives from,
 * max_prompt_tokens) and {@code kl.top_logprobs}. Its {@link UnitIdentity#hash} is in the sample's unit key.
 *
 * <p>A teacher-forced or text score of a sample is identified by the sample's key plus the scorer's
 * {@link Scorer} identity, written into the stored scorer name ({@code <variant>#<hash>}, {@code text:<variant>#<hash>}):
 * a changed scorer re-scores the other variant's unchanged samples without re-sampling them.
 */
record KlUnitIdentity(EngineIdentity engine, String promptSha256, int maxTokens, Double temperature, Double topP,
    Long seed, Integer maxPromptTokens, int topLogprobs) {

  static KlUnitIdentity of(ExperimentConfig c, EngineIdentity engine, KlTables.PromptRow prompt) {
    var g = c.generation();
    return new KlUnitIdentity(engine, prompt.sha256(), g.maxTokens(), g.temperature(), g.topP(), g.seed(),
        g.maxPromptTokens(), c.section(KlStudyConfig.class).kl().topLogprobs());
  }

  /**
   * The scorer's side of a cross / text score: its engine, and the settings that cut the prompt it scores on
   * (max_prompt_tokens, max_tokens) and the top-k it returns.
   */
  record Scorer(EngineIdentity engine, Integer maxPromptTokens, int maxTokens, int topLogprobs) {
    static String label(ExperimentConfig c, EngineConfig scorer) {
      var g = c.generation();
      return scorer.name() + "#" + UnitIdentity.hash(new Scorer(EngineIdentity.of(scorer), g.maxPromptTokens(),
          g.maxTokens(), c.section(KlStudyConfig.class).kl().topLogprobs()));
    }
  }
}
