/** {@code botsec audit}: parse flags, run {@code org.botsec.report.audit.AuditRunner}, write the four report files. */
package org.botsec.cli.audit;
