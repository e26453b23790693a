package org.botsec.attack.poisoning;

import java.util.Optional;
import org.botsec.core.data.Dataset;

/**
 * A poisoned training set and the ground truth of what was poisoned.
 *
 * @param data         the training set with the poisoned rows replaced in place (same size and row order)
 * @param poisonedRows indices of the poisoned rows, ascending, copied
 * @param method       how they were poisoned
 * @param poisonRate   the requested fraction of rows
 * @param targetClass  the backdoor's target class index (backdoor only)
 * @param trigger      the backdoor's trigger (backdoor only)
 * @param seed         the seed that chose the rows (and the wrong labels)
 */
public record PoisonedData(Dataset data, int[] poisonedRows, PoisonMethod method, double poisonRate,
                           Optional<Integer> targetClass, Optional<Trigger> trigger, long seed) {
    public PoisonedData {
        poisonedRows = poisonedRows.clone();
    }

    @Override
    public int[] poisonedRows() {
        return poisonedRows.clone();
    }

    /** One flag per training row: true when it was poisoned. */
    public boolean[] poisonedMask() {
        boolean[] m = new boolean[data.size()];
        for (int i : poisonedRows) {
            m[i] = true;
        }
        return m;
    }

    /**
     * The largest share of poisoned rows within one class (by the poisoned labels): the ε of Tran et al. 2018, who
     * poison a fraction of one label. A backdoor at poison rate r concentrates its rows in the target class, so this
     * is far above r.
     */
    public double maxClassPoisonShare() {
        int k = data.numClasses();
        int[] rows = new int[k];
        int[] bad = new int[k];
        for (int v : data.y()) {
            rows[v]++;
        }
        for (int i : poisonedRows) {
            bad[data.y()[i]]++;
        }
        double max = 0;
        for (int c = 0; c < k; c++) {
            if (rows[c] > 0) {
                max = Math.max(max, bad[c] / (double) rows[c]);
            }
        }
        return max;
    }
}
