/**
 * The audit behind {@code botsec audit}: {@link org.botsec.report.audit.AuditRunner} runs every
 * {@link org.botsec.report.audit.AuditCheck} that applies to a model and its data under an
 * {@link org.botsec.report.audit.AuditConfig} (thresholds with documented defaults, read from YAML with every
 * key checked), and {@link org.botsec.report.audit.AuditOutput} writes the four report files so that a failure
 * never leaves a half-written set behind.
 */
package org.botsec.report.audit;
