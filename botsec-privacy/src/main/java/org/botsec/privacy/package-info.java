/**
 * Differentially private training: DP-SGD ({@link org.botsec.privacy.DpSgd}, one step;
 * {@link org.botsec.privacy.DpTraining}, the whole loop with Poisson sampling, accounting and a budget),
 * configured in TF Privacy's words through {@link org.botsec.privacy.DpSgdConfig}, with results
 * ({@link org.botsec.privacy.DpResult}) that go into a model's provenance. The privacy unit is one example and
 * neighbouring data sets differ by adding or removing one; preprocessing fitted on the private data is not
 * covered ({@link org.botsec.privacy.PreprocessingPrivacy}), a DP vocabulary is ({@link
 * org.botsec.privacy.DpVocabulary}).
 */
package org.botsec.privacy;
