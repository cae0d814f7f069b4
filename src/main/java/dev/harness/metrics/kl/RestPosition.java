package dev.harness.metrics.kl;

/**
 * {@link TopkRest} at one position.
 *
 * @param kl KL(P~ || Q~) of the coarsened pair; +inf when pRest &gt; 0 and qRest == 0 (or a shared token has q = 0)
 * @param covered covered mass sum over U of p
 * @param pRest P's rest bucket, 1 - sum over U of p (0 when within {@link TopkRest#REST_TOLERANCE} of 0)
 * @param qRest Q's rest bucket
 * @param tvdLow lower end of the TVD bracket
 * @param tvdHigh upper end of the TVD bracket
 * @param overfull true when a side's shared mass exceeded 1 by more than the tolerance (bad input; rest set to 0)
 */
public record RestPosition(double kl, double covered, double pRest, double qRest, double tvdLow, double tvdHigh,
    boolean overfull) {}
