/**
 * Differentially private training. {@link org.botsec.privacy.PrivateTraining} is the one entry point that trains
 * a model (numeric, or the text pipeline) and states a typed {@link org.botsec.core.prov.PrivacyGuarantee} in its
 * provenance: the composed total (ε, δ) over DP-SGD and a DP vocabulary, what the guarantee covers and what it
 * does not ({@link org.botsec.privacy.Preprocessing}), and the noise source. Underneath, configured in TF
 * Privacy's words through {@link org.botsec.privacy.DpSgdConfig}: {@link org.botsec.privacy.DpSgd} (one step) and
 * {@link org.botsec.privacy.DpTraining} (the loop with Poisson sampling, accounting and a budget, no guarantee
 * record). The privacy unit is one example and neighbouring data sets differ by adding or removing one.
 */
package org.botsec.privacy;
