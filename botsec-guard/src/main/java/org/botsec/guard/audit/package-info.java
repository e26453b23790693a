/**
 * A tamper-evident audit log of guard verdicts: JSON lines, each hash-chained to the one before (SHA-256), with
 * Ed25519-signed checkpoints (Google Tink) every few records. Records hold a SHA-256 of the scanned text, never
 * the text itself. {@link org.botsec.guard.audit.AuditLog#verify(java.nio.file.Path)} finds modified, inserted,
 * deleted or reordered records and reports a torn last line left by a crash; the limits of what a hash chain
 * can prove (truncation after the last checkpoint) are spelled out on {@link org.botsec.guard.audit.AuditLog}.
 */
package org.botsec.guard.audit;
