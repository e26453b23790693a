/**
 * Pure mathematics of privacy accounting, without state: Rényi DP of the Poisson-subsampled Gaussian mechanism
 * and its conversion to (ε, δ) ({@link org.botsec.privacy.accountant.analysis.RdpAnalysis}), and privacy loss
 * distributions with composition by FFT ({@link org.botsec.privacy.accountant.analysis.PrivacyLossDistribution}).
 * Conventions follow Google's {@code dp_accounting} 0.6.0 so that results can be compared number for number.
 * All functions are stateless and thread-safe; the stateful accountants live one package up.
 */
package org.botsec.privacy.accountant.analysis;
