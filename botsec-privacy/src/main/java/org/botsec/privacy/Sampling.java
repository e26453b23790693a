package org.botsec.privacy;

/** How DP-SGD draws its batches. */
public enum Sampling {
    /**
     * Each example joins each batch independently with probability q = batchSize / n (variable batch size).
     * This is what the RDP and PLD accountants assume; the default.
     */
    POISSON,
    /**
     * Fixed-size batches from a random permutation per epoch. Common, but NOT covered by the accountants'
     * Poisson assumption: the ε reported for it is computed as if sampling were Poisson and is not a proven
     * guarantee for this sampler.
     */
    SHUFFLE
}
