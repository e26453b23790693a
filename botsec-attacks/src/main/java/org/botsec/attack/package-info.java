/**
 * Attack-testing a model before it ships: evasion (adversarial examples), data poisoning and backdoors with
 * their detectors, membership inference, model inversion and extraction, and privacy auditing (an empirical
 * ε lower bound set beside a model's claimed {@link org.botsec.core.prov.PrivacyGuarantee}). White-box attacks
 * need a {@link org.botsec.core.model.GradientModel}; black-box attacks only a {@link
 * org.botsec.core.model.Classifier}. Every result records its seed and settings and turns into {@link
 * org.botsec.core.finding.Finding}s.
 */
package org.botsec.attack;
