/**
 * Privacy auditing: turning membership attacks into an empirical lower bound on ε (Clopper–Pearson, as Jagielski
 * et al. 2020 and Nasr et al. 2021) and auditing with one training run (Steinke, Nasr, Jagielski 2023), then
 * setting the bound beside the claimed guarantee. A bound above the claim is a CRITICAL finding: the DP
 * implementation or its accounting is wrong. A bound below the claim never proves the claim.
 */
package org.botsec.attack.audit;
