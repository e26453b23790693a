package org.botsec.federated;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.federated.internal.Gamma;

/**
 * How the rows of a training set are split among clients.
 *
 * <ul>
 *   <li>{@link Kind#IID}: a random permutation cut into near-equal parts.</li>
 *   <li>{@link Kind#DIRICHLET}: per class, proportions p ~ Dir(α, ..., α) over the clients decide how that class's
 *       rows are shared (Hsu, Qi and Brown 2019, "Measuring the Effects of Non-Identical Data Distribution for
 *       Federated Visual Classification"); small α gives each client few classes, large α approaches IID.</li>
 *   <li>{@link Kind#SHARDS}: rows sorted by label, cut into clients·k equal shards, k random shards per client
 *       (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data", the
 *       "pathological non-IID" split with k = 2).</li>
 * </ul>
 *
 * @param kind  the scheme
 * @param alpha Dirichlet concentration (&gt; 0) for {@link Kind#DIRICHLET}, else 0
 * @param k     shards per client (≥ 1) for {@link Kind#SHARDS}, else 0
 */
public record Partition(Kind kind, double alpha, int k) {
    /** Partition schemes. */
    public enum Kind { IID, DIRICHLET, SHARDS }

    /** Dirichlet draws are repeated at most this often until every client has a row. */
    public static final int MAX_REDRAWS = 100;

    public Partition {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (kind == Kind.DIRICHLET && !(alpha > 0 && Double.isFinite(alpha))) {
            throw BadInputException.of("dirichlet alpha must be > 0 and finite, got %s", alpha);
        }
        if (kind == Kind.SHARDS && k < 1) {
            throw BadInputException.of("shards per client must be >= 1, got %d", k);
        }
    }

    public static Partition iid() {
        return new Partition(Kind.IID, 0, 0);
    }

    public static Partition dirichlet(double alpha) {
        return new Partition(Kind.DIRICHLET, alpha, 0);
    }

    public static Partition shards(int k) {
        return new Partition(Kind.SHARDS, 0, k);
    }

    /** Parses {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K}. */
    public static Partition parse(String spec) {
        if (spec == null) {
            throw new BadInputException("partition must be iid, dirichlet:ALPHA or shards:K, got nothing");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("iid")) {
                return iid();
            }
            if (s.startsWith("dirichlet:")) {
                return dirichlet(Double.parseDouble(s.substring("dirichlet:".length())));
            }
            if (s.startsWith("shards:")) {
                return shards(Integer.parseInt(s.substring("shards:".length())));
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw BadInputException.of("partition must be iid, dirichlet:ALPHA (ALPHA > 0) or shards:K (K >= 1), got '%s'",
                spec);
    }

    /** The spec string {@link #parse} accepts. */
    public String spec() {
        return switch (kind) {
            case IID -> "iid";
            case DIRICHLET -> "dirichlet:" + alpha;
            case SHARDS -> "shards:" + k;
        };
    }

    /**
     * Assigns every row to exactly one client.
     *
     * @param labels     class index per row, in [0, numClasses)
     * @param numClasses number of classes
     * @param clients    number of clients (≥ 1)
     * @param random     source of the split (record its seed)
     * @return row indices per client; every client has at least one row
     * @throws BadInputException when the rows cannot give every client a row
     */
    public int[][] assign(int[] labels, int numClasses, int clients, SplittableRandom random) {
        int n = labels.length;
        if (clients < 1) {
            throw BadInputException.of("clients must be >= 1, got %d", clients);
        }
        if (n < clients) {
            throw BadInputException.of("%d training rows cannot give each of %d clients a row", n, clients);
        }
        return switch (kind) {
            case IID -> iidSplit(n, clients, random);
            case SHARDS -> shardSplit(labels, clients, random);
            case DIRICHLET -> dirichletSplit(labels, numClasses, clients, random);
        };
    }

    private static int[][] iidSplit(int n, int clients, SplittableRandom random) {
        int[] perm = permutation(n, random);
        int[][] out = new int[clients][];
        for (int c = 0; c < clients; c++) {
            int from = (int) ((long) n * c / clients);
            int to = (int) ((long) n * (c + 1) / clients);
            out[c] = Arrays.copyOfRange(perm, from, to);
        }
        return out;
    }

    private int[][] shardSplit(int[] labels, int clients, SplittableRandom random) {
        int n = labels.length;
        long numShards = (long) clients * k;
        if (numShards > n) {
            throw BadInputException.of("shards:%d with %d clients needs %d shards but there are only %d rows", k,
                    clients, numShards, n);
        }
        // stable sort by label: ties keep row order, so the split depends only on the seed
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Integer.compare(labels[a], labels[b]));
        int[] shardOrder = permutation((int) numShards, random);
        int[][] out = new int[clients][];
        for (int c = 0; c < clients; c++) {
            int size = 0;
            for (int j = 0; j < k; j++) {
                int s = shardOrder[c * k + j];
                size += shardEnd(s, n, numShards) - shardStart(s, n, numShards);
            }
            int[] rows = new int[size];
            int pos = 0;
            for (int j = 0; j < k; j++) {
                int s = shardOrder[c * k + j];
                for (int i = shardStart(s, n, numShards); i < shardEnd(s, n, numShards); i++) {
                    rows[pos++] = boxed[i];
                }
            }
            out[c] = rows;
        }
        return out;
    }

    private static int shardStart(int s, int n, long numShards) {
        return (int) (n * (long) s / numShards);
    }

    private static int shardEnd(int s, int n, long numShards) {
        return (int) (n * (long) (s + 1) / numShards);
    }

    private int[][] dirichletSplit(int[] labels, int numClasses, int clients, SplittableRandom random) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        double[] p = new double[clients];
        for (int attempt = 0; attempt < MAX_REDRAWS; attempt++) {
            int[][] rowsPerClient = new int[clients][];
            int[] fill = new int[clients];
            int[][] counts = new int[numClasses][];
            int[] total = new int[clients];
            for (int c = 0; c < numClasses; c++) {
                int m = byClass.get(c).size();
                double sum = 0;
                for (int j = 0; j < clients; j++) {
                    p[j] = Gamma.sample(alpha, random);
                    sum += p[j];
                }
                counts[c] = new int[clients];
                if (m == 0) {
                    continue;
                }
                if (!(sum > 0)) {
                    // every gamma draw underflowed (tiny alpha): the class goes to one client, as the limit α → 0 does
                    counts[c][random.nextInt(clients)] = m;
                } else {
                    // cut points at the cumulative proportions, as Hsu et al. split each class
                    double cum = 0;
                    int prev = 0;
                    for (int j = 0; j < clients; j++) {
                        cum += p[j] / sum;
                        int cut = j == clients - 1 ? m : (int) Math.min(m, Math.round(cum * m));
                        counts[c][j] = cut - prev;
                        prev = cut;
                    }
                }
                for (int j = 0; j < clients; j++) {
                    total[j] += counts[c][j];
                }
            }
            boolean ok = true;
            for (int j = 0; j < clients; j++) {
                if (total[j] == 0) {
                    ok = false;
                    break;
                }
            }
            if (!ok) {
                continue;
            }
            for (int j = 0; j < clients; j++) {
                rowsPerClient[j] = new int[total[j]];
            }
            for (int c = 0; c < numClasses; c++) {
                List<Integer> rows = byClass.get(c);
                int[] perm = permutation(rows.size(), random);
                int pos = 0;
                for (int j = 0; j < clients; j++) {
                    for (int t = 0; t < counts[c][j]; t++) {
                        rowsPerClient[j][fill[j]++] = rows.get(perm[pos++]);
                    }
                }
            }
            return rowsPerClient;
        }
        throw BadInputException.of("dirichlet:%s left a client without rows in %d draws; use more data, fewer "
                + "clients or a larger alpha", alpha, MAX_REDRAWS);
    }

    static int[] permutation(int n, SplittableRandom random) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
