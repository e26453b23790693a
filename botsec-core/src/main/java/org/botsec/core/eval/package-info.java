/**
 * Evaluation of classifiers: accuracy, per-class precision, recall and F1, macro averages, the confusion matrix
 * and log loss, defined as in scikit-learn so that numbers can be compared side by side. Used by
 * {@code botsec train}, {@code botsec eval} and the audit report.
 */
package org.botsec.core.eval;
