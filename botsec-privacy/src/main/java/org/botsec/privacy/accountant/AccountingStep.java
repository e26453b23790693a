package org.botsec.privacy.accountant;

/**
 * A run of identical DP-SGD steps in an accountant's history.
 *
 * @param noiseMultiplier σ: noise standard deviation divided by the L2 sensitivity (the clipping norm)
 * @param sampleRate      q: Poisson sampling probability of each example
 * @param steps           how many steps were taken with these parameters
 */
public record AccountingStep(double noiseMultiplier, double sampleRate, long steps) {
}
