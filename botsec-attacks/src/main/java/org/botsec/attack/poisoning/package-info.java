/**
 * Training-data poisoning and its detection. {@link org.botsec.attack.poisoning.Poisoner} plants label flips or a
 * BadNets-style backdoor trigger in a training set (Gu, Dolan-Gavitt, Garg 2017), {@link
 * org.botsec.attack.poisoning.PoisoningExperiment} trains on it and measures the clean-accuracy drop and the
 * attack success rate on triggered inputs, and the detectors — spectral signatures (Tran, Li, Madry 2018),
 * activation clustering (Chen et al. 2018) and BotSec's attribution-concentration check — flag suspicious training
 * rows, scored by precision and recall whenever the poisoned rows are known. Every result records its seed and
 * settings and turns into {@link org.botsec.core.finding.Finding}s.
 */
package org.botsec.attack.poisoning;
