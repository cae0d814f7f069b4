package dev.harness.study.kl;

/**
 * Where one usable dump line lies in its file, and what pass 1 learnt about it; a few dozen bytes per line, nothing
 * per token.
 */
record LineRef(long offset, int length, long lineNo, int sampleIndex, boolean hasLogprobs, boolean hasCross) {}
