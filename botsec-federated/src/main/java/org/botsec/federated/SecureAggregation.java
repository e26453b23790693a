package org.botsec.federated;

import org.botsec.core.BadInputException;

/**
 * Secure aggregation settings: the coordinator learns only the sum of the clients' (encoded) updates, not any single
 * one — the protocol of Bonawitz et al. 2017 ("Practical Secure Aggregation for Privacy-Preserving Machine
 * Learning", CCS) on the sparse neighbourhood graph of SecAgg+ (Bell, Bonawitz, Gascón, Lepoint, Raykova 2020,
 * "Secure Single-Server Aggregation with (Poly)Logarithmic Overhead", CCS).
 *
 * <p><b>Encoding.</b> Each value v a client adds to the sum is encoded as round(v·2^f) in Z/2^64 (two's complement);
 * masks are uniform in Z/2^64, so the masked vector the coordinator sees is uniform whatever the update. The decoded
 * sum differs from the exact sum by at most n·2^−(f+1) per coordinate (n summands, each rounded to the nearest
 * multiple of 2^−f), so a weighted mean with total weight W ≥ n is off by at most 2^−(f+1); with the default f = 32,
 * 1.2e-10. A value with |v| &gt; 2^(62−f)/n could overflow the sum: such a client does not send (it counts as a
 * dropout, and is logged).
 *
 * <p><b>Dropouts.</b> Each client is paired with k neighbours (all others when k ≥ n − 1, as in Bonawitz et al.) and
 * Shamir-shares its masking key and self-mask seed among them with threshold t = ⌊k/2⌋ + 1. The round completes
 * when every client that was selected still has at least t neighbours that answer: then up to k − t = ⌈k/2⌉ − 1
 * dropped neighbours per client are tolerated (n − 1 − t in total with the complete graph, where each client's
 * answering neighbours are the other clients that sent). Otherwise the round fails
 * with one line naming the client. On the sparse graph k is even: the k/2 clients before and after each client on
 * a ring in a random order drawn every round. A round of one client needs no masks: the sum is its update.
 *
 * <p><b>Security guarantees.</b> Against an honest-but-curious coordinator that follows the protocol: it sees, per
 * client, a vector masked with the client's self mask and its pairwise masks, uniform in (Z/2^64)^m; it learns the
 * self-mask seeds of clients that sent and the masking keys of clients that dropped, never both for one client.
 * Key agreement is X25519 and the masks are AES-256-CTR key streams under HKDF-SHA256 keys, all from Google Tink.
 * Not covered (simulation): the encryption and authentication of shares between clients (Tink AEAD in a
 * deployment), the consistency round against a malicious coordinator, and a coordinator that lies about dropouts.
 * The sum itself is revealed: combine with DP-FedAvg to protect it.
 *
 * @param neighbours       k, the neighbours of each client; 0 = the default: the smallest even k ≥ 2⌈log2 n⌉ for
 *                         which a round fails with probability ≤ 1e-6 at the dropout rate max(simulated, 5 %)
 *                         (at most n − 1: the complete graph)
 * @param fractionalBits   f, fixed-point fractional bits, in [8, 48]
 * @param simulatedDropout fraction of the selected clients that drop after sharing keys (simulation), in [0, 1)
 */
public record SecureAggregation(int neighbours, int fractionalBits, double simulatedDropout) {
    /** Dropout rate the default neighbourhood is sized for when no higher simulated rate is given. */
    public static final double DESIGN_DROPOUT = 0.05;
    /** Bound on the probability that a round cannot be unmasked, for the default neighbourhood. */
    public static final double FAILURE_BOUND = 1e-6;

    /** Default fractional bits. */
    public static final int DEFAULT_FRACTIONAL_BITS = 32;

    public SecureAggregation {
        if (neighbours < 0) {
            throw BadInputException.of("secure aggregation neighbours must be >= 0 (0 = default), got %d", neighbours);
        }
        if (fractionalBits < 8 || fractionalBits > 48) {
            throw BadInputException.of("fixed-point fractional bits must be in [8, 48], got %d", fractionalBits);
        }
        if (!(simulatedDropout >= 0 && simulatedDropout < 1)) {
            throw BadInputException.of("simulated dropout must be in [0, 1), got %s", simulatedDropout);
        }
    }

    /** Default neighbours and encoding, no dropouts. */
    public static SecureAggregation defaults() {
        return new SecureAggregation(0, DEFAULT_FRACTIONAL_BITS, 0);
    }

    /** The same settings with a simulated dropout rate. */
    public SecureAggregation withSimulatedDropout(double rate) {
        return new SecureAggregation(neighbours, fractionalBits, rate);
    }

    /** k for a round of n clients. */
    public int neighboursFor(int n) {
        int k = neighbours > 0 ? neighbours : defaultNeighbours(n, Math.max(simulatedDropout, DESIGN_DROPOUT));
        if (k >= n - 1) {
            return Math.max(0, n - 1);
        }
        return k - k % 2; // the ring takes k/2 on each side
    }

    /**
     * The smallest even k ≥ 2⌈log2 n⌉ for which a round of n clients, each dropping independently with probability
     * ρ, fails (some client has more than k − t dropped neighbours) with probability at most n·P[Bin(k, ρ) &gt; k − t]
     * ≤ {@value #FAILURE_BOUND} (union bound; Bell et al. 2020 choose k by a bound of this kind).
     */
    static int defaultNeighbours(int n, double rho) {
        int k = 2 * (int) Math.ceil(Math.log(Math.max(2, n)) / Math.log(2));
        while (k < n - 1 && n * binomialTailAbove(k, rho, k - (k / 2 + 1)) > FAILURE_BOUND) {
            k += 2;
        }
        return k;
    }

    /** P[Bin(k, ρ) &gt; m], summed in log space. */
    static double binomialTailAbove(int k, double rho, int m) {
        double p = 0;
        for (int i = m + 1; i <= k; i++) {
            double logTerm = logChoose(k, i) + i * Math.log(rho) + (k - i) * Math.log1p(-rho);
            p += Math.exp(logTerm);
        }
        return p;
    }

    private static double logChoose(int k, int i) {
        double s = 0;
        for (int j = 1; j <= i; j++) {
            s += Math.log(k - i + j) - Math.log(j);
        }
        return s;
    }

    /** t for a round of n clients: ⌊k/2⌋ + 1 (1 for a lone client). */
    public int thresholdFor(int n) {
        return neighboursFor(n) / 2 + 1;
    }

    /** The largest |value| a client of a round of n may encode: 2^(62−f)/n. */
    public double encodableBound(int n) {
        return Math.scalb(1.0, 62 - fractionalBits) / Math.max(1, n);
    }

    /** The bound on the decoded sum's error per coordinate for n summands: n·2^−(f+1). */
    public double sumErrorBound(int n) {
        return n * Math.scalb(1.0, -(fractionalBits + 1));
    }
}
