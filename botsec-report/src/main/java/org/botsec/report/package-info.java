/**
 * One audit a reviewer can sign: the {@link org.botsec.report.Report} record (what was audited, every check with
 * its threshold and measured value, the {@link org.botsec.core.finding.Finding}s), and its renderers in
 * {@code org.botsec.report.render}: JSON (versioned schema), SARIF 2.1.0 for code-scanning dashboards, STIX 2.1
 * for threat sharing (MITRE ATLAS techniques cited by ID) and a self-contained HTML page. Renderers consume only
 * checks and findings, so a new check needs no renderer code.
 */
package org.botsec.report;
