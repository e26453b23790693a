package org.botsec.federated.net.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.botsec.federated.SecureAggregation;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.internal.Shamir;
import org.botsec.federated.net.proto.SecAggPeer;
import org.botsec.federated.net.proto.SecAggRevealed;
import org.botsec.federated.net.proto.SecAggShare;
import org.botsec.federated.net.proto.SecAggTask;

/**
 * The coordinator's side of one secure-aggregation round over the network (Bonawitz et al. 2017, semi-honest
 * protocol; see {@link SecAggClientRound} for the stages and the guarantees). It holds the advertised public keys,
 * draws the neighbourhood (complete graph, or the SecAgg+ ring of {@link SecAggRound#neighbourhood}), relays sealed
 * shares it cannot open, adds masked vectors in Z/2^64 and, from the revealed shares, removes the self masks of the
 * clients that sent and the pairwise masks of those that dropped after sharing. It never receives an unmasked
 * update: only the sum comes out of {@link #unmask}.
 *
 * <p>Not thread-safe: the coordinator thread calls it between stages.
 */
public final class SecAggCoordinatorRound {
    private final int round;
    private final SecureAggregation config;
    private final int length;
    private final byte[] salt;
    /** U1 in slot order, their keys, and the neighbours (slots, ascending) of each */
    private final List<Integer> advertised;
    private final Map<Integer, SecAggPeer> keys;
    private final Map<Integer, int[]> neighbours = new HashMap<>();
    private final int k;
    private final int threshold;
    /** sealed shares by sender, then recipient */
    private final Map<Integer, Map<Integer, SecAggShare>> shares = new TreeMap<>();
    private final long[] total;
    private final Set<Integer> masked = new HashSet<>();
    /** revealed shares by owner: x → y, with the kind expected for that owner */
    private final Map<Integer, Map<Integer, BigInteger>> revealed = new HashMap<>();

    /**
     * @param round   the round (binds keys and sealed shares to it)
     * @param config  neighbours k, threshold, fixed point
     * @param keys    the well-formed AdvertiseKeys answers, by slot (U1)
     * @param length  values per masked vector
     * @param graph   source of the ring's order (public information)
     */
    public SecAggCoordinatorRound(int round, SecureAggregation config, Map<Integer, SecAggPeer> keys, int length,
                                  SplittableRandom graph) {
        this.round = round;
        this.config = config;
        this.length = length;
        this.salt = SecAggRound.roundSalt(round);
        this.keys = new TreeMap<>(keys);
        this.advertised = new ArrayList<>(this.keys.keySet());
        int n = advertised.size();
        this.k = config.neighboursFor(n);
        this.threshold = config.thresholdFor(n);
        int[][] byPos = SecAggRound.neighbourhood(n, k, graph);
        for (int i = 0; i < n; i++) {
            int[] nb = new int[byPos[i].length];
            for (int j = 0; j < nb.length; j++) {
                nb[j] = advertised.get(byPos[i][j]); // positions ascend with slots, so slots ascend too
            }
            neighbours.put(advertised.get(i), nb);
        }
        this.total = new long[length];
    }

    public int threshold() {
        return threshold;
    }

    public int neighboursPerClient() {
        return k;
    }

    /** The largest |value| a client may encode this round (bound of the n = |U1| summands). */
    public double encodableBound() {
        return config.encodableBound(advertised.size());
    }

    /** ShareKeys task of {@code slot}: its neighbours' public keys, in share-index order. */
    public SecAggTask shareTask(int slot) {
        SecAggTask.Builder t = SecAggTask.newBuilder().setStage(SecAggTask.Stage.SHARE_KEYS).setThreshold(threshold)
                .setFractionalBits(config.fractionalBits()).setEncodableBound(encodableBound());
        for (int v : neighbours.get(slot)) {
            t.addNeighbours(keys.get(v));
        }
        return t.build();
    }

    /** Keeps {@code slot}'s sealed shares when there is exactly one per neighbour; empty, or why not. */
    public Optional<String> acceptShares(int slot, List<SecAggShare> sent) {
        int[] nb = neighbours.get(slot);
        Map<Integer, SecAggShare> byTo = new HashMap<>();
        for (SecAggShare s : sent) {
            if (byTo.put(s.getSlot(), s) != null || s.getCiphertext().size() > 4096) {
                return Optional.of("a repeated or oversized share");
            }
        }
        if (byTo.size() != nb.length) {
            return Optional.of(byTo.size() + " shares for " + nb.length + " neighbours");
        }
        for (int v : nb) {
            if (!byTo.containsKey(v)) {
                return Optional.of("no share for neighbour slot " + v);
            }
        }
        shares.put(slot, byTo);
        return Optional.empty();
    }

    /** Slots whose shares were accepted (U2), ascending. */
    public List<Integer> shared() {
        return new ArrayList<>(shares.keySet());
    }

    /** MaskedInputCollection task of {@code slot} (in U2): the sealed shares its neighbours in U2 sent it. */
    public SecAggTask maskedTask(int slot, double l2NormClip) {
        SecAggTask.Builder t = SecAggTask.newBuilder().setStage(SecAggTask.Stage.MASKED_INPUT).setThreshold(threshold)
                .setFractionalBits(config.fractionalBits()).setEncodableBound(encodableBound())
                .setL2NormClip(l2NormClip);
        for (int v : neighbours.get(slot)) {
            Map<Integer, SecAggShare> from = shares.get(v);
            if (from != null) {
                t.addShares(SecAggShare.newBuilder().setSlot(v).setCiphertext(from.get(slot).getCiphertext()));
            }
        }
        return t.build();
    }

    /** Adds {@code slot}'s masked vector y to the running sum (mod 2^64); false when its length is wrong. */
    public boolean addMasked(int slot, List<Long> y) {
        if (!shares.containsKey(slot) || masked.contains(slot) || y.size() != length) {
            return false;
        }
        for (int j = 0; j < length; j++) {
            total[j] += y.get(j);
        }
        masked.add(slot);
        return true;
    }

    /** Unmasking task of {@code slot} (in U3): its neighbours that sent (U3) and those that shared but did not. */
    public SecAggTask unmaskTask(int slot) {
        SecAggTask.Builder t = SecAggTask.newBuilder().setStage(SecAggTask.Stage.UNMASK).setThreshold(threshold);
        for (int v : neighbours.get(slot)) {
            if (masked.contains(v)) {
                t.addSurvivors(v);
            } else if (shares.containsKey(v)) {
                t.addDropped(v);
            }
        }
        return t.build();
    }

    /**
     * Keeps the shares {@code responder} revealed when each is of the kind its owner's state calls for (seed of a
     * client that sent, masking key of one that dropped after sharing) at the responder's own share index; empty, or
     * why not (then none of them is kept).
     */
    public Optional<String> acceptRevealed(int responder, List<SecAggRevealed> list) {
        Map<Integer, BigInteger> mine = new HashMap<>();
        for (SecAggRevealed r : list) {
            int owner = r.getOwnerSlot();
            int[] nb = neighbours.get(owner);
            int index = nb == null ? -1 : java.util.Arrays.binarySearch(nb, responder) + 1;
            boolean sent = masked.contains(owner);
            boolean dropped = !sent && shares.containsKey(owner);
            if (index < 1 || r.getShareIndex() != index || !(sent || dropped) || r.getMaskKey() != dropped
                    || mine.containsKey(owner) || r.getShare().size() > 80) {
                return Optional.of("a revealed share for slot " + owner + " that does not fit the round");
            }
            BigInteger y = new BigInteger(1, r.getShare().toByteArray());
            if (y.compareTo(Shamir.P) >= 0) {
                return Optional.of("a revealed share outside the field");
            }
            mine.put(owner, y);
        }
        for (Map.Entry<Integer, BigInteger> e : mine.entrySet()) {
            int owner = e.getKey();
            int index = java.util.Arrays.binarySearch(neighbours.get(owner), responder) + 1;
            revealed.computeIfAbsent(owner, o -> new TreeMap<>()).put(index, e.getValue());
        }
        return Optional.empty();
    }

    /** Slots whose masked vector is in the sum (U3), ascending. */
    public List<Integer> maskedSlots() {
        return new ArrayList<>(new java.util.TreeSet<>(masked));
    }

    /**
     * Removes every mask from the sum: b of each client in U3 and, for each client in U2 \ U3, the pairwise masks its
     * neighbours in U3 added. Returns Σ x_u over U3 in Z/2^64.
     *
     * @throws IllegalStateException naming the client when fewer than t shares of a secret were revealed
     */
    public long[] unmask() {
        long[] sum = total.clone();
        for (int u : shares.keySet()) {
            if (!masked.contains(u) && java.util.Arrays.stream(neighbours.get(u)).noneMatch(masked::contains)) {
                continue; // dropped, and none of its neighbours' sums carries a mask of it
            }
            Map<Integer, BigInteger> got = revealed.getOrDefault(u, Map.of());
            if (got.size() < threshold) {
                throw new IllegalStateException("secure aggregation: " + got.size() + " shares of slot " + u
                        + "'s " + (masked.contains(u) ? "self-mask seed" : "masking key") + " were revealed, the "
                        + "threshold is " + threshold);
            }
            int[] xs = new int[threshold];
            BigInteger[] ys = new BigInteger[threshold];
            int i = 0;
            for (Map.Entry<Integer, BigInteger> e : got.entrySet()) {
                if (i == threshold) {
                    break;
                }
                xs[i] = e.getKey();
                ys[i++] = e.getValue();
            }
            byte[] secret = SecAggRound.toBytes(Shamir.reconstruct(xs, ys));
            if (masked.contains(u)) {
                SecAggRound.addStream(sum, secret, -1, length);
            } else {
                byte[] sk = secret;
                for (int v : neighbours.get(u)) {
                    if (masked.contains(v)) {
                        // v added sign(v, u)·PRG(s_vu) with sign + when v is the lower slot; remove it
                        byte[] key = SecAggRound.pairKey(sk, keys.get(v).getMaskPublicKey().toByteArray(), salt,
                                Math.min(u, v), Math.max(u, v));
                        SecAggRound.addStream(sum, key, v < u ? -1 : 1, length);
                    }
                }
            }
        }
        return sum;
    }
}
