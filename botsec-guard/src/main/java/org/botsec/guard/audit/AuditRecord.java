package org.botsec.guard.audit;

/**
 * Where an appended verdict landed.
 *
 * @param index position in the log (0 is the header)
 * @param hash  hex SHA-256 chain hash of the record
 */
public record AuditRecord(long index, String hash) {
}
