package dev.harness.engine.local.tokenizer;

/** A prompt as text for the tokenizer, and whether the tokenizer should add its default special tokens. */
public record RenderedPrompt(String text, boolean addSpecialTokens) {}
