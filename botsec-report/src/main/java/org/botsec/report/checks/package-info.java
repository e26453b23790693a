/**
 * The checks an audit runs, one class each, each reading its own section of the audit config: model quality,
 * explanation stability, the model's privacy claim; the attack checks (robustness, few-pixel, membership, privacy
 * audit, poisoning scan) and the guard policy self-test.
 */
package org.botsec.report.checks;
