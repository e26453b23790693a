package org.botsec.report.checks;

import java.util.SplittableRandom;
import org.botsec.core.data.Dataset;
import org.botsec.core.data.TextDataset;

/** Seeded row samples the checks share, so that the same seed audits the same rows. */
final class Sampling {
    private Sampling() {
    }

    /** At most {@code n} distinct rows of {@code data}, chosen by a generator seeded with {@code seed}. */
    static Dataset rows(Dataset data, int n, long seed) {
        return n >= data.size() ? data : data.subset(indices(data.size(), n, seed));
    }

    /** At most {@code n} distinct texts of {@code data}, chosen as {@link #rows} chooses rows. */
    static TextDataset texts(TextDataset data, int n, long seed) {
        return n >= data.size() ? data : data.subset(indices(data.size(), n, seed));
    }

    private static int[] indices(int size, int n, long seed) {
        return new SplittableRandom(seed).ints(0, size).distinct().limit(n).sorted().toArray();
    }
}
