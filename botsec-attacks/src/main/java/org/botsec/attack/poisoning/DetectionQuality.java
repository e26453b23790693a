package org.botsec.attack.poisoning;

/**
 * Precision and recall of flagged training rows against the rows known to be poisoned.
 *
 * @param flagged       rows flagged
 * @param poisoned      rows poisoned
 * @param truePositives flagged rows that were poisoned
 * @param precision     truePositives / flagged (0 when nothing was flagged)
 * @param recall        truePositives / poisoned (0 when nothing was poisoned)
 */
public record DetectionQuality(int flagged, int poisoned, int truePositives, double precision, double recall) {

    /** Scores {@code flaggedRows} against the mask of poisoned rows. */
    public static DetectionQuality of(int[] flaggedRows, boolean[] poisonedMask) {
        int tp = 0;
        for (int i : flaggedRows) {
            if (poisonedMask[i]) {
                tp++;
            }
        }
        int poisoned = 0;
        for (boolean p : poisonedMask) {
            if (p) {
                poisoned++;
            }
        }
        return new DetectionQuality(flaggedRows.length, poisoned, tp,
                flaggedRows.length == 0 ? 0 : tp / (double) flaggedRows.length,
                poisoned == 0 ? 0 : tp / (double) poisoned);
    }
}
