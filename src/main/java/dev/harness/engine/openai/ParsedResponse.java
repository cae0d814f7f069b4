package dev.harness.engine.openai;

import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Usage;
import java.util.List;

/**
 * The useful part of one chat or completions response: text, finish reason, token log-probs (null when the server
 * sent none), usage, and identifying fields ({@code provider} is OpenRouter's; null elsewhere).
 */
public record ParsedResponse(String text, String finishReason, List<TokenLogprob> tokens, Usage usage, String id, String provider) {}
