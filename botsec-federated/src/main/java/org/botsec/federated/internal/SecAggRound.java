package org.botsec.federated.internal;

import com.google.crypto.tink.subtle.AesCtrJceCipher;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.X25519;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.botsec.core.BadInputException;
import org.botsec.federated.SecureAggregation;

/**
 * One round of secure aggregation (Bonawitz et al. 2017, with the SecAgg+ neighbourhood of Bell et al. 2020),
 * simulated in one process with the real cryptography: every selected client's keys, Shamir shares, masks and the
 * coordinator's unmasking. See {@link SecureAggregation} for the encoding, the dropout tolerance and the security
 * guarantees.
 *
 * <p>The constructor runs the AdvertiseKeys and ShareKeys steps: each client draws an X25519 masking key pair and a
 * 32-byte self-mask seed b_u from a secure generator and gives each neighbour one Shamir share of each (threshold
 * t). {@link #maskedInput} is a client's MaskedInputCollection message:
 * y_u = x_u + PRG(b_u) + Σ_{v ∈ N(u), u &lt; v} PRG(s_uv) − Σ_{v ∈ N(u), v &lt; u} PRG(s_uv) in Z/2^64, where
 * s_uv = HKDF-SHA256(X25519(sk_u, pk_v)) and PRG is the AES-256-CTR key stream. {@link #unmask} is the Unmasking
 * step: from the shares held by clients that sent, the coordinator rebuilds b_u of every client that sent and sk_v
 * of every client that dropped, and removes their masks from the sum.
 *
 * <p>Thread-safety: after construction the instance is read-only; {@link #maskedInput} may run on several threads.
 */
public final class SecAggRound {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int[] clients;
    private final Map<Integer, Integer> position = new HashMap<>();
    private final int length;
    private final int threshold;
    private final byte[] salt;
    private final int[][] neighbours;
    private final byte[][] secretKeys;
    private final byte[][] publicKeys;
    private final byte[][] selfSeeds;
    /** shares[u][i]: the shares of client u's (sk, b) held by its i-th neighbour, at x = i + 1. */
    private final BigInteger[][] skShares;
    private final BigInteger[][] seedShares;

    /**
     * Runs key generation and sharing for the round.
     *
     * @param config   settings (neighbours k, fixed point)
     * @param clients  ids of the selected clients, ascending
     * @param length   values per client (the encoded vector's length)
     * @param roundId  binds the pairwise keys to this round (HKDF salt)
     * @param graph    seeded source of the neighbourhood ring's order (public information)
     * @param secure   source of keys, seeds and Shamir coefficients
     */
    public SecAggRound(SecureAggregation config, int[] clients, int length, long roundId, SplittableRandom graph,
                       SecureRandom secure) {
        this.clients = clients.clone();
        this.length = length;
        int n = clients.length;
        for (int i = 0; i < n; i++) {
            position.put(clients[i], i);
        }
        int k = config.neighboursFor(n);
        this.threshold = config.thresholdFor(n);
        this.salt = roundSalt(roundId);
        this.neighbours = neighbourhood(n, k, graph);
        this.secretKeys = new byte[n][];
        this.publicKeys = new byte[n][];
        this.selfSeeds = new byte[n][];
        this.skShares = new BigInteger[n][];
        this.seedShares = new BigInteger[n][];
        try {
            for (int i = 0; i < n; i++) {
                secretKeys[i] = X25519.generatePrivateKey();
                publicKeys[i] = X25519.publicFromPrivate(secretKeys[i]);
                selfSeeds[i] = new byte[32];
                secure.nextBytes(selfSeeds[i]);
                if (k > 0) {
                    skShares[i] = Shamir.split(new BigInteger(1, secretKeys[i]), k, threshold, secure);
                    seedShares[i] = Shamir.split(new BigInteger(1, selfSeeds[i]), k, threshold, secure);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 key generation failed", e);
        }
    }

    /**
     * Neighbours by position: all others (complete graph, k ≥ n − 1) or k/2 each side on a ring in a random order
     * (SecAgg+); ascending positions per client. Public so that the networked coordinator draws the same graph.
     */
    public static int[][] neighbourhood(int n, int k, SplittableRandom graph) {
        int[][] out = new int[n][];
        if (k >= n - 1) {
            for (int i = 0; i < n; i++) {
                int[] nb = new int[n - 1];
                for (int j = 0, c = 0; j < n; j++) {
                    if (j != i) {
                        nb[c++] = j;
                    }
                }
                out[i] = nb;
            }
            return out;
        }
        int[] ring = new int[n];
        for (int i = 0; i < n; i++) {
            ring[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = graph.nextInt(i + 1);
            int t = ring[i];
            ring[i] = ring[j];
            ring[j] = t;
        }
        int half = k / 2;
        for (int r = 0; r < n; r++) {
            int[] nb = new int[2 * half];
            for (int d = 1; d <= half; d++) {
                nb[2 * (d - 1)] = ring[(r + d) % n];
                nb[2 * (d - 1) + 1] = ring[(r - d + n) % n];
            }
            Arrays.sort(nb);
            out[ring[r]] = nb;
        }
        return out;
    }

    /** Clients in the round. */
    public int size() {
        return clients.length;
    }

    /** t, the shares needed to rebuild a client's secret. */
    public int threshold() {
        return threshold;
    }

    /** The neighbours of {@code client} (client ids). */
    public int[] neighboursOf(int client) {
        return Arrays.stream(neighbours[pos(client)]).map(i -> clients[i]).toArray();
    }

    private int pos(int client) {
        Integer p = position.get(client);
        if (p == null) {
            throw new IllegalArgumentException("client " + client + " is not in this round");
        }
        return p;
    }

    /**
     * Client {@code client}'s masked vector y_u for its encoded values (length {@link #length}): what the
     * coordinator receives.
     */
    public long[] maskedInput(int client, long[] encoded) {
        if (encoded.length != length) {
            throw new IllegalArgumentException("encoded length " + encoded.length + ", round expects " + length);
        }
        int u = pos(client);
        long[] y = encoded.clone();
        if (neighbours[u].length == 0) {
            return y; // a lone client: the sum is its update
        }
        addStream(y, selfSeeds[u], 1);
        for (int v : neighbours[u]) {
            addStream(y, pairKey(u, v), u < v ? 1 : -1);
        }
        return y;
    }

    /** s_uv = HKDF-SHA256(X25519(sk_u, pk_v), salt = round, info = the ordered pair): the same key for u and v. */
    private byte[] pairKey(int u, int v) {
        return pairKey(secretKeys[u], publicKeys[v], u, v);
    }

    private byte[] pairKey(byte[] secretKey, byte[] otherPublic, int u, int v) {
        return pairKey(secretKey, otherPublic, salt, clients[Math.min(u, v)], clients[Math.max(u, v)]);
    }

    /**
     * s_uv = HKDF-SHA256(X25519(secretKey, otherPublic), salt, info = "botsec-secagg pair LOW HIGH") for the client
     * ids {@code low} &lt; {@code high}: both ends of a pair derive the same 32-byte key (Tink's X25519 and HKDF).
     */
    public static byte[] pairKey(byte[] secretKey, byte[] otherPublic, byte[] salt, long low, long high) {
        try {
            byte[] shared = X25519.computeSharedSecret(secretKey, otherPublic);
            byte[] info = ("botsec-secagg pair " + low + " " + high).getBytes(StandardCharsets.UTF_8);
            return Hkdf.computeHkdf("HMACSHA256", shared, salt, info, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key agreement failed", e);
        }
    }

    /** The HKDF salt that binds a round's keys to round {@code roundId}. */
    public static byte[] roundSalt(long roundId) {
        return ("botsec-secagg round " + roundId).getBytes(StandardCharsets.UTF_8);
    }

    private void addStream(long[] y, byte[] key, int sign) {
        addStream(y, key, sign, length);
    }

    /**
     * y[0..length) += sign · PRG(key) in Z/2^64, PRG = the AES-256-CTR key stream from IV 0 (Tink's
     * AesCtrJceCipher; each key is used for one stream).
     */
    public static void addStream(long[] y, byte[] key, int sign, int length) {
        byte[] stream;
        try {
            // decrypting IV ‖ zeros yields the bare key stream
            stream = new AesCtrJceCipher(key, 16).decrypt(new byte[16 + 8 * length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
        for (int j = 0; j < length; j++) {
            long m = (long) LONGS.get(stream, 8 * j);
            y[j] += sign * m;
        }
    }

    /**
     * The coordinator's unmasking: {@code maskedSum} = Σ y_u over the clients in {@code sent}; returns Σ x_u over
     * them (in place).
     *
     * @throws BadInputException when a client has fewer than t neighbours among those that sent
     */
    public long[] unmask(long[] maskedSum, Set<Integer> sent) {
        int n = clients.length;
        boolean[] alive = new boolean[n];
        for (int c : sent) {
            alive[pos(c)] = true;
        }
        for (int u = 0; u < n; u++) {
            if (neighbours[u].length == 0) {
                continue;
            }
            List<Integer> xs = new ArrayList<>();
            List<BigInteger> skYs = new ArrayList<>();
            List<BigInteger> seedYs = new ArrayList<>();
            for (int i = 0; i < neighbours[u].length && xs.size() < threshold; i++) {
                if (alive[neighbours[u][i]]) {
                    // each answering neighbour gives the share of b_u if u sent, of sk_u if it dropped — never both
                    xs.add(i + 1);
                    skYs.add(skShares[u][i]);
                    seedYs.add(seedShares[u][i]);
                }
            }
            if (xs.size() < threshold) {
                throw BadInputException.of("secure aggregation: client %d has %d answering neighbours, the threshold "
                        + "is %d (too many dropouts this round)", clients[u], xs.size(), threshold);
            }
            int[] xa = xs.stream().mapToInt(Integer::intValue).toArray();
            if (alive[u]) {
                byte[] seed = toBytes(Shamir.reconstruct(xa, seedYs.toArray(new BigInteger[0])));
                addStream(maskedSum, seed, -1);
            } else {
                byte[] sk = toBytes(Shamir.reconstruct(xa, skYs.toArray(new BigInteger[0])));
                for (int v : neighbours[u]) {
                    if (alive[v]) {
                        // v added sign(v, u)·PRG(s_vu); remove it
                        addStream(maskedSum, pairKey(sk, publicKeys[v], u, v), v < u ? -1 : 1);
                    }
                }
            }
        }
        return maskedSum;
    }

    /** A 32-byte secret rebuilt by {@link Shamir#reconstruct} as the big-endian bytes it was shared from. */
    public static byte[] toBytes(BigInteger b) {
        byte[] raw = b.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, raw.length);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** Encodes v as round(v·2^f) (the caller has checked |v| against the bound). */
    public static long encode(double v, int fractionalBits) {
        return Math.round(Math.scalb(v, fractionalBits));
    }

    /** Decodes a two's-complement fixed-point value. */
    public static double decode(long v, int fractionalBits) {
        return Math.scalb((double) v, -fractionalBits);
    }
}
