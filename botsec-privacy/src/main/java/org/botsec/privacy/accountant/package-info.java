/**
 * Privacy accountants for DP-SGD: a small stateful {@link org.botsec.privacy.accountant.PrivacyAccountant}
 * keeps the history of (noise multiplier, sample rate, steps) and answers "how much (ε, δ) has been spent" with
 * Rényi DP ({@link org.botsec.privacy.accountant.AccountantType#RDP}) or privacy loss distributions
 * ({@link org.botsec.privacy.accountant.AccountantType#PLD}); {@link org.botsec.privacy.accountant.NoiseCalibration}
 * finds the noise multiplier for a target ε. Every result assumes Poisson sampling and the add-or-remove-one
 * neighbouring relation on examples. The maths lives in the {@code analysis} sub-package.
 */
package org.botsec.privacy.accountant;
