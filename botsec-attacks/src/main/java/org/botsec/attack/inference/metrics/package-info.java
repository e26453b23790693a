/**
 * Metrics of membership inference and privacy audits: the ROC of an attack score with its AUC and TPR at a low
 * FPR (as Carlini et al. 2022 ask attacks to report), and exact Clopper–Pearson intervals for the error rates an
 * empirical ε lower bound is computed from. Pure functions of the scores; no model is involved.
 */
package org.botsec.attack.inference.metrics;
