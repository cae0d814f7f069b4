package dev.harness.study.kl;

import dev.harness.engine.TokenLogprob;
import java.util.List;

/**
 * One parsed dump line.
 *
 * @param text the response text: rebuilt from the tokens' {@code bytes} when every token has them, else the
 *     provider's text ({@code message.content} / {@code text}), else the concatenated token texts
 * @param tokens the sampled tokens with their log-probs and top-k (empty when the provider returned none)
 * @param cross the other model's teacher-forced scores of exactly these tokens (optional {@code cross} field), or
 *     null
 * @param crossModel the model named in {@code cross.model}, or null
 */
public record DumpRecord(String promptId, String prompt, String model, int sampleIndex, String text,
    List<TokenLogprob> tokens, List<TokenLogprob> cross, String crossModel, String where) {}
