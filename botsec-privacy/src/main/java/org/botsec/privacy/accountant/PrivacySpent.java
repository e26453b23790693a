package org.botsec.privacy.accountant;

import java.util.OptionalDouble;

/**
 * The privacy spent by a DP-SGD history: the mechanism is (ε, δ)-differentially private with respect to adding
 * or removing one example, assuming each step drew its batch by Poisson sampling.
 *
 * @param epsilon      ε (may be +∞ when the history contains a step without noise)
 * @param delta        δ
 * @param accountant   the accounting method
 * @param steps        total number of steps accounted
 * @param optimalOrder for RDP, the Rényi order attaining ε; empty for PLD
 */
public record PrivacySpent(double epsilon, double delta, AccountantType accountant, long steps,
                           OptionalDouble optimalOrder) {
}
