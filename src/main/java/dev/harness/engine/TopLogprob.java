package dev.harness.engine;

/** One alternative at a position: token text, token id (-1 when the server does not say), log-probability. */
public record TopLogprob(String token, int id, double logprob) {}
