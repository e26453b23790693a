package org.botsec.federated.net.internal;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.X25519;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.botsec.core.BadInputException;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.internal.Shamir;
import org.botsec.federated.net.proto.SecAggPeer;
import org.botsec.federated.net.proto.SecAggRevealed;
import org.botsec.federated.net.proto.SecAggSealedShare;
import org.botsec.federated.net.proto.SecAggShare;
import org.botsec.federated.net.proto.SecAggTask;

/**
 * A client's side of one secure-aggregation round over the network (Bonawitz, Ivanov, Kreuter, Marcedone, McMahan,
 * Patel, Ramage, Segal, Seth 2017, "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS;
 * the semi-honest protocol of Figure 4 without the consistency check, on the SecAgg+ neighbourhood of Bell et al.
 * 2020). The four stages are the coordinator's tasks:
 * <ol>
 *   <li>AdvertiseKeys: two fresh X25519 key pairs, (c) to seal shares and (s) to agree masks (Tink's X25519).</li>
 *   <li>ShareKeys: a fresh 32-byte self-mask seed b; Shamir shares (threshold t, botsec-federated's {@link Shamir}) of
 *       s_sk and b, share i + 1 for the i-th neighbour, each sealed with AES-256-GCM (Tink's AesGcmJce) under
 *       HKDF-SHA256(X25519(c_sk, c_pk_v)), the associated data naming round, sender and recipient.</li>
 *   <li>MaskedInputCollection: y = x + PRG(b) + Σ_{v sent shares} ±PRG(s_uv) in Z/2^64 ({@link SecAggRound}'s PRG and
 *       pair keys, + when this slot is the lower).</li>
 *   <li>Unmasking: for each neighbour the coordinator calls a survivor, the share of its b; for each one it calls
 *       dropped, the share of its s_sk — never both for one neighbour, and only for neighbours whose shares this
 *       client holds.</li>
 * </ol>
 *
 * <p>Security guarantees (honest-but-curious coordinator): the coordinator relays sealed shares it cannot open,
 * sees y uniform in (Z/2^64)^m, and learns b only of clients whose y it holds and s_sk only of clients whose y it
 * does not. A client refuses to reveal when fewer than max(2, t) of its neighbourhood (itself included) sent, so that
 * the coordinator never unmasks a lone update. Not covered: a coordinator that lies about who dropped (the
 * consistency round of the malicious-server protocol), and the sum itself (combine with DP-FedAvg).
 *
 * <p>Not thread-safe: one instance per round on the client's loop.
 */
public final class SecAggClientRound {
    private final int round;
    private final int slot;
    private final SecureRandom secure;
    private final byte[] salt;
    private final byte[] cipherSecret;
    private final byte[] maskSecret;
    private final SecAggPeer keys;
    /** the neighbours of ShareKeys by slot, and the share index each got */
    private final Map<Integer, SecAggPeer> neighbours = new HashMap<>();
    private final Map<Integer, Integer> shareIndex = new HashMap<>();
    private int threshold;
    /** opened shares this client holds, by the slot that sent them */
    private final Map<Integer, SecAggSealedShare> held = new HashMap<>();
    private byte[] seed;
    private boolean sentMasked;

    public SecAggClientRound(int round, int slot, SecureRandom secure) {
        this.round = round;
        this.slot = slot;
        this.secure = secure;
        this.salt = SecAggRound.roundSalt(round);
        try {
            cipherSecret = X25519.generatePrivateKey();
            maskSecret = X25519.generatePrivateKey();
            keys = SecAggPeer.newBuilder().setSlot(slot)
                    .setCipherPublicKey(ByteString.copyFrom(X25519.publicFromPrivate(cipherSecret)))
                    .setMaskPublicKey(ByteString.copyFrom(X25519.publicFromPrivate(maskSecret))).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 key generation failed", e);
        }
    }

    public int round() {
        return round;
    }

    /** AdvertiseKeys: this client's two public keys. */
    public SecAggPeer keys() {
        return keys;
    }

    /** ShareKeys: the sealed shares for each neighbour the coordinator named (its slot in {@code SecAggShare.slot}). */
    public List<SecAggShare> shareKeys(SecAggTask task) {
        if (!neighbours.isEmpty() || seed != null) {
            throw new BadInputException("secure aggregation: the coordinator asked for the key shares twice");
        }
        int k = task.getNeighboursCount();
        threshold = task.getThreshold();
        if (k == 0 || threshold < 1 || threshold > k) {
            throw BadInputException.of("secure aggregation: %d neighbours with threshold %d cannot protect this "
                    + "client's update", k, threshold);
        }
        Set<ByteString> seen = new HashSet<>();
        seen.add(keys.getMaskPublicKey());
        for (int i = 0; i < k; i++) {
            SecAggPeer p = task.getNeighbours(i);
            if (p.getSlot() == slot || p.getMaskPublicKey().size() != 32 || p.getCipherPublicKey().size() != 32
                    || !seen.add(p.getMaskPublicKey()) || neighbours.put(p.getSlot(), p) != null) {
                throw BadInputException.of("secure aggregation: neighbour %d of the coordinator's list is invalid "
                        + "(itself, a repeated slot or key, or a key of the wrong length)", i);
            }
            shareIndex.put(p.getSlot(), i + 1);
        }
        seed = new byte[32];
        secure.nextBytes(seed);
        BigInteger[] skShares = Shamir.split(new BigInteger(1, maskSecret), k, threshold, secure);
        BigInteger[] seedShares = Shamir.split(new BigInteger(1, seed), k, threshold, secure);
        List<SecAggShare> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            SecAggPeer p = task.getNeighbours(i);
            SecAggSealedShare plain = SecAggSealedShare.newBuilder().setFromSlot(slot).setToSlot(p.getSlot())
                    .setRound(round).setShareIndex(i + 1).setMaskKeyShare(ByteString.copyFrom(skShares[i].toByteArray()))
                    .setSeedShare(ByteString.copyFrom(seedShares[i].toByteArray())).build();
            byte[] ct;
            try {
                ct = aead(p.getCipherPublicKey().toByteArray(), slot, p.getSlot()).encrypt(plain.toByteArray(),
                        associatedData(slot, p.getSlot()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("sealing a share failed", e);
            }
            out.add(SecAggShare.newBuilder().setSlot(p.getSlot()).setCiphertext(ByteString.copyFrom(ct)).build());
        }
        return out;
    }

    /**
     * MaskedInputCollection: opens the shares the coordinator relays (from the neighbours that shared) and masks
     * {@code encoded}.
     *
     * @throws BadInputException when fewer than t neighbours shared, or a share does not open
     */
    public long[] mask(long[] encoded, SecAggTask task) {
        if (seed == null || sentMasked) {
            throw new BadInputException("secure aggregation: masked input asked before the key shares or twice");
        }
        for (SecAggShare s : task.getSharesList()) {
            SecAggPeer from = neighbours.get(s.getSlot());
            if (from == null || held.containsKey(s.getSlot())) {
                throw BadInputException.of("secure aggregation: a share from slot %d, which is not a neighbour or "
                        + "was relayed twice", s.getSlot());
            }
            SecAggSealedShare plain;
            try {
                byte[] pt = aead(from.getCipherPublicKey().toByteArray(), slot, s.getSlot()).decrypt(
                        s.getCiphertext().toByteArray(), associatedData(s.getSlot(), slot));
                plain = SecAggSealedShare.parseFrom(pt);
            } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
                throw BadInputException.of("secure aggregation: the share from slot %d does not open", s.getSlot());
            }
            if (plain.getFromSlot() != s.getSlot() || plain.getToSlot() != slot || plain.getRound() != round) {
                throw BadInputException.of("secure aggregation: the share from slot %d names another round or pair",
                        s.getSlot());
            }
            held.put(s.getSlot(), plain);
        }
        if (held.size() < threshold) {
            throw BadInputException.of("secure aggregation: only %d neighbours shared keys, the threshold is %d",
                    held.size(), threshold);
        }
        long[] y = encoded.clone();
        SecAggRound.addStream(y, seed, 1, y.length);
        for (int v : held.keySet()) {
            byte[] key = SecAggRound.pairKey(maskSecret, neighbours.get(v).getMaskPublicKey().toByteArray(), salt,
                    Math.min(slot, v), Math.max(slot, v));
            SecAggRound.addStream(y, key, slot < v ? 1 : -1, y.length);
        }
        sentMasked = true;
        return y;
    }

    /** Unmasking: the shares the coordinator may have, checked against what this client knows. */
    public List<SecAggRevealed> unmask(SecAggTask task) {
        if (!sentMasked) {
            throw new BadInputException("secure aggregation: unmasking asked before this client sent its input");
        }
        Set<Integer> survivors = new HashSet<>(task.getSurvivorsList());
        Set<Integer> dropped = new HashSet<>(task.getDroppedList());
        if (survivors.size() != task.getSurvivorsCount() || dropped.size() != task.getDroppedCount()) {
            throw new BadInputException("secure aggregation: the coordinator repeated a slot in the unmasking request");
        }
        for (int v : survivors) {
            if (dropped.contains(v)) {
                throw BadInputException.of("secure aggregation: the coordinator called slot %d both a survivor and "
                        + "dropped (it would learn its update)", v);
            }
        }
        for (int v : union(survivors, dropped)) {
            if (!held.containsKey(v)) {
                throw BadInputException.of("secure aggregation: slot %d is not a neighbour that shared with this "
                        + "client", v);
            }
        }
        if (survivors.size() + 1 < Math.max(2, threshold)) {
            throw BadInputException.of("secure aggregation: only %d neighbours sent their input (threshold %d): "
                    + "refusing to help unmask so few", survivors.size(), threshold);
        }
        List<SecAggRevealed> out = new ArrayList<>();
        for (int v : survivors) {
            SecAggSealedShare s = held.get(v);
            out.add(SecAggRevealed.newBuilder().setOwnerSlot(v).setShareIndex(s.getShareIndex())
                    .setShare(s.getSeedShare()).setMaskKey(false).build());
        }
        for (int v : dropped) {
            SecAggSealedShare s = held.get(v);
            out.add(SecAggRevealed.newBuilder().setOwnerSlot(v).setShareIndex(s.getShareIndex())
                    .setShare(s.getMaskKeyShare()).setMaskKey(true).build());
        }
        return out;
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** AES-256-GCM under HKDF-SHA256(X25519(c_sk, c_pk_other)), the same key at both ends of the pair. */
    private AesGcmJce aead(byte[] otherCipherPublic, int a, int b) {
        try {
            byte[] shared = X25519.computeSharedSecret(cipherSecret, otherCipherPublic);
            byte[] info = ("botsec-secagg seal " + Math.min(a, b) + " " + Math.max(a, b))
                    .getBytes(StandardCharsets.UTF_8);
            return new AesGcmJce(Hkdf.computeHkdf("HMACSHA256", shared, salt, info, 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("share-key agreement failed", e);
        }
    }

    private byte[] associatedData(int from, int to) {
        return ("botsec-secagg share round " + round + " from " + from + " to " + to).getBytes(StandardCharsets.UTF_8);
    }
}
