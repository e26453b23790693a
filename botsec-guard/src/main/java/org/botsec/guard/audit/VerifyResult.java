package org.botsec.guard.audit;

/**
 * What {@link AuditLog#verify} found.
 *
 * @param valid               true when every complete record is intact and correctly chained and signed
 * @param records             number of complete records checked and found good (header, entries and checkpoints),
 *                            i.e. the index of the first record that is bad or missing
 * @param entries             how many of those are verdict entries
 * @param firstBadIndex       index of the first bad record, or -1 when valid
 * @param reason              one line: why the log is invalid, or a summary when it is valid
 * @param tornTail            true when the file ends in an incomplete line (a crash during an append); that
 *                            line is reported, not counted and not treated as tampering
 * @param lastCheckpointIndex index of the last good signed checkpoint, or -1 if none
 * @param unsignedRecords     complete records after the last checkpoint: their removal could not be detected
 */
public record VerifyResult(boolean valid, long records, long entries, long firstBadIndex, String reason, boolean tornTail,
                           long lastCheckpointIndex, long unsignedRecords) {
}
