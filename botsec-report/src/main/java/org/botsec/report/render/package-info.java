/**
 * Renderers of a {@link org.botsec.report.Report}: {@link org.botsec.report.render.ReportJson} (the versioned JSON
 * form), {@link org.botsec.report.render.SarifReport} (SARIF 2.1.0), {@link org.botsec.report.render.StixBundle}
 * (STIX 2.1 with MITRE ATLAS techniques) and {@link org.botsec.report.render.HtmlReport} (one self-contained
 * page). Each reads only checks and findings.
 */
package org.botsec.report.render;
