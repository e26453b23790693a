/**
 * Privacy attacks on a trained classifier: membership inference (loss/confidence threshold, Shokri shadow models,
 * LiRA online and offline), and their metrics and empirical ε lower bound. Every attack needs only the model's
 * probabilities ({@link org.botsec.core.model.Classifier}); shadow attacks also need a way to train models like
 * the target ({@link org.botsec.attack.inference.ShadowTrainer}). Results turn into the common
 * {@link org.botsec.attack.AttackReport} with {@link org.botsec.core.finding.Finding}s.
 */
package org.botsec.attack.inference;
