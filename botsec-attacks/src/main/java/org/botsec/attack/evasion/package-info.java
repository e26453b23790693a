/**
 * Evasion attacks: inputs changed a little so that a model changes its answer. White-box attacks (FGSM, PGD under
 * L∞ or L2, JSMA, a gradient-guided greedy few-pixel search) need a {@link org.botsec.core.model.GradientModel}
 * and work on whole batches with one input-gradient product per step; black-box attacks (Square Attack under L∞
 * or L2 from scores, HopSkipJump from labels only) need only a {@link org.botsec.core.model.Classifier}. Text
 * models are attacked word by word in {@code org.botsec.attack.text}. Every run returns an {@link org.botsec.attack.evasion.EvasionResult}
 * (adversarial inputs, per-row labels, clean and robust accuracy, success rate, perturbation norms, queries,
 * settings and seed) that turns into an {@link org.botsec.attack.AttackReport} with
 * {@link org.botsec.core.finding.Finding}s. Conventions (label modes, metrics, projection order) follow IBM ART
 * so that numbers can be compared with it.
 */
package org.botsec.attack.evasion;
