/**
 * Findings: the one result type that guard scanners, attacks, explanation sanity checks and privacy checks
 * report, and that the CLI, the audit report, SARIF and STIX exporters render. A {@link
 * org.botsec.core.finding.Finding} has a stable rule ID, a typed kind and severity, an optional location and
 * score (whose {@link org.botsec.core.finding.Score.Basis basis} says what the number means) and the MITRE ATLAS
 * technique it relates to.
 */
package org.botsec.core.finding;
