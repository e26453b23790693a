package org.botsec.report.checks;

import java.util.SplittableRandom;
import org.botsec.core.data.Dataset;

/** Seeded row samples the checks share, so that the same seed audits the same rows. */
final class Sampling {
    private Sampling() {
    }

    /** At most {@code n} distinct rows of {@code data}, chosen by a generator seeded with {@code seed}. */
    static Dataset rows(Dataset data, int n, long seed) {
        if (n >= data.size()) {
            return data;
        }
        int[] pick = new SplittableRandom(seed).ints(0, data.size()).distinct().limit(n).sorted().toArray();
        return data.subset(pick);
    }
}
