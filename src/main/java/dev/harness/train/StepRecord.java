package dev.harness.train;

/**
 * One optimizer step as logged: 1-based {@code step}; {@code epoch} reached; the rate used; mean micro-batch loss;
 * eval loss (NaN when not evaluated this step); global gradient norm before clipping; real tokens processed;
 * wall seconds.
 */
public record StepRecord(int step, double epoch, double lr, double loss, double evalLoss, double gradNorm, long tokens,
    double seconds) {}
