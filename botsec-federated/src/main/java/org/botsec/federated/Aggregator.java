package org.botsec.federated;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.botsec.core.BadInputException;

/**
 * How the server combines the clients' deltas of one round into one delta. Robust aggregators bound what a few
 * malicious clients can do.
 */
public sealed interface Aggregator {
    /**
     * Combines the updates (all of the same length, finite; at least {@link #minUpdates()} of them).
     *
     * @throws BadInputException when there are too few updates or their lengths differ
     */
    double[] aggregate(List<ClientUpdate> updates);

    /** The fewest updates this aggregator needs. */
    default int minUpdates() {
        return 1;
    }

    /** The spec string {@link #parse} accepts. */
    String spec();

    /** Parses fedavg, krum, multi-krum:M, median, trimmed-mean:BETA or norm-bound:C; f is the assumed attackers. */
    static Aggregator parse(String spec, int assumedAttackers) {
        if (spec == null) {
            throw new BadInputException("aggregator is missing");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("fedavg") || s.equals("mean")) {
                return new WeightedMean();
            }
            if (s.equals("krum")) {
                return new Krum(assumedAttackers);
            }
            if (s.startsWith("multi-krum:")) {
                return new MultiKrum(assumedAttackers, Integer.parseInt(s.substring("multi-krum:".length())));
            }
            if (s.equals("median")) {
                return new Median();
            }
            if (s.startsWith("trimmed-mean:")) {
                return new TrimmedMean(Double.parseDouble(s.substring("trimmed-mean:".length())));
            }
            if (s.startsWith("norm-bound:")) {
                return new NormBound(Double.parseDouble(s.substring("norm-bound:".length())));
            }
        } catch (NumberFormatException e) {
            // one message below
        }
        throw BadInputException.of("aggregator must be fedavg, krum, multi-krum:M, median, trimmed-mean:BETA or "
                + "norm-bound:C, got '%s'", spec);
    }

    /** Mean weighted by the clients' example counts (McMahan et al. 2017, FedAvg). Streams in O(model) memory. */
    record WeightedMean() implements Aggregator {
        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            int p = checkedLength(updates, 1);
            double[] out = new double[p];
            double total = 0;
            for (ClientUpdate u : updates) {
                double w = u.numExamples();
                total += w;
                double[] d = u.deltaView();
                for (int j = 0; j < p; j++) {
                    out[j] += w * d[j];
                }
            }
            for (int j = 0; j < p; j++) {
                out[j] /= total;
            }
            return out;
        }

        @Override
        public String spec() {
            return "fedavg";
        }
    }

    /**
     * Krum (Blanchard et al. 2017, "Machine Learning with Adversaries: Byzantine Tolerant Gradient Descent"): the
     * update whose summed squared distance to its n − f − 2 nearest others is smallest; needs n &gt; 2f + 2.
     *
     * @param f assumed number of attackers per round (≥ 0)
     */
    record Krum(int f) implements Aggregator {
        public Krum {
            if (f < 0) {
                throw BadInputException.of("assumed attackers f must be >= 0, got %d", f);
            }
        }

        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            checkedLength(updates, minUpdates());
            int best = KrumScores.order(updates, f)[0];
            return updates.get(best).delta();
        }

        @Override
        public int minUpdates() {
            return 2 * f + 3;
        }

        @Override
        public String spec() {
            return "krum";
        }
    }

    /**
     * Multi-Krum (Blanchard et al. 2017): the unweighted mean of the m updates with the best Krum scores.
     *
     * @param f assumed attackers (≥ 0)
     * @param m updates averaged (≥ 1)
     */
    record MultiKrum(int f, int m) implements Aggregator {
        public MultiKrum {
            if (f < 0) {
                throw BadInputException.of("assumed attackers f must be >= 0, got %d", f);
            }
            if (m < 1) {
                throw BadInputException.of("multi-krum:M needs M >= 1, got %d", m);
            }
        }

        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            int p = checkedLength(updates, minUpdates());
            int[] order = KrumScores.order(updates, f);
            double[] out = new double[p];
            for (int i = 0; i < m; i++) {
                double[] d = updates.get(order[i]).deltaView();
                for (int j = 0; j < p; j++) {
                    out[j] += d[j];
                }
            }
            for (int j = 0; j < p; j++) {
                out[j] /= m;
            }
            return out;
        }

        @Override
        public int minUpdates() {
            return Math.max(2 * f + 3, m);
        }

        @Override
        public String spec() {
            return "multi-krum:" + m;
        }
    }

    /**
     * Coordinate-wise median (Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards Optimal Statistical
     * Rates"); an even count takes the mean of the two middle values.
     */
    record Median() implements Aggregator {
        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            int p = checkedLength(updates, 1);
            int n = updates.size();
            double[] col = new double[n];
            double[] out = new double[p];
            for (int j = 0; j < p; j++) {
                for (int i = 0; i < n; i++) {
                    col[i] = updates.get(i).deltaView()[j];
                }
                Arrays.sort(col);
                out[j] = n % 2 == 1 ? col[n / 2] : 0.5 * (col[n / 2 - 1] + col[n / 2]);
            }
            return out;
        }

        @Override
        public String spec() {
            return "median";
        }
    }

    /**
     * Coordinate-wise trimmed mean (Yin et al. 2018): per coordinate, drop the ⌊βn⌋ largest and smallest values and
     * average the rest.
     *
     * @param beta fraction trimmed at each end, in [0, 0.5)
     */
    record TrimmedMean(double beta) implements Aggregator {
        public TrimmedMean {
            if (!(beta >= 0 && beta < 0.5)) {
                throw BadInputException.of("trimmed-mean:BETA needs BETA in [0, 0.5), got %s", beta);
            }
        }

        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            int p = checkedLength(updates, 1);
            int n = updates.size();
            int cut = (int) Math.floor(beta * n);
            double[] col = new double[n];
            double[] out = new double[p];
            for (int j = 0; j < p; j++) {
                for (int i = 0; i < n; i++) {
                    col[i] = updates.get(i).deltaView()[j];
                }
                Arrays.sort(col);
                double s = 0;
                for (int i = cut; i < n - cut; i++) {
                    s += col[i];
                }
                out[j] = s / (n - 2 * cut);
            }
            return out;
        }

        @Override
        public String spec() {
            return "trimmed-mean:" + beta;
        }
    }

    /**
     * Norm bounding (Sun et al. 2019, "Can You Really Backdoor Federated Learning?"): each delta scaled to L2 norm at
     * most C, then the example-weighted mean. Streams in O(model) memory.
     *
     * @param c the norm bound (&gt; 0, finite)
     */
    record NormBound(double c) implements Aggregator {
        public NormBound {
            if (!(c > 0 && Double.isFinite(c))) {
                throw BadInputException.of("norm-bound:C needs C > 0 and finite, got %s", c);
            }
        }

        /** The factor min(1, C/‖d‖) that clips {@code d}. */
        public double scale(double[] d) {
            double s = 0;
            for (double v : d) {
                s += v * v;
            }
            double norm = Math.sqrt(s);
            return norm > c ? c / norm : 1.0;
        }

        @Override
        public double[] aggregate(List<ClientUpdate> updates) {
            int p = checkedLength(updates, 1);
            double[] out = new double[p];
            double total = 0;
            for (ClientUpdate u : updates) {
                double[] d = u.deltaView();
                double w = u.numExamples();
                double k = w * scale(d);
                total += w;
                for (int j = 0; j < p; j++) {
                    out[j] += k * d[j];
                }
            }
            for (int j = 0; j < p; j++) {
                out[j] /= total;
            }
            return out;
        }

        @Override
        public String spec() {
            return "norm-bound:" + c;
        }
    }

    private static int checkedLength(List<ClientUpdate> updates, int min) {
        if (updates == null || updates.size() < Math.max(1, min)) {
            throw BadInputException.of("aggregation needs at least %d valid client updates, got %d", Math.max(1, min),
                    updates == null ? 0 : updates.size());
        }
        int p = updates.get(0).deltaView().length;
        for (ClientUpdate u : updates) {
            if (u.deltaView().length != p) {
                throw BadInputException.of("client %d sent %d values, client %d sent %d", u.clientId(),
                        u.deltaView().length, updates.get(0).clientId(), p);
            }
        }
        return p;
    }
}
