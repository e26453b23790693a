/** Findings: the one result type that privacy, explanation, attack and guard checks report and reports render. */
package org.botsec.core.finding;
