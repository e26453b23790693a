package org.botsec.flower;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.botsec.core.BadInputException;
import com.google.crypto.tink.subtle.EcdsaSignJce;
import com.google.crypto.tink.subtle.EllipticCurves;
import com.google.crypto.tink.subtle.Enums;

/**
 * A Flower node key: an ECDSA key pair on NIST P-384. The SuperLink knows a node by its public key (PEM
 * SubjectPublicKeyInfo); every Fleet call carries that key, an ISO-8601 UTC timestamp and an ECDSA-SHA256 signature
 * (DER) over the timestamp's ASCII bytes.
 *
 * <p>Security guarantees: signing goes through Tink's ECDSA ({@code EcdsaSignJce}); the private key is never logged
 * or printed, and {@link #save} writes it owner-readable only (PKCS#8 PEM, the format Flower's SuperNode reads). The
 * signed timestamp only proves possession of the key at call time within the SuperLink's accepted clock skew; it does
 * not bind the request body, and without TLS the calls can be read and replayed within that window.
 */
public final class FlowerNodeKey {
    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final EcdsaSignJce signer;

    private FlowerNodeKey(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        try {
            this.signer = new EcdsaSignJce(privateKey, Enums.HashType.SHA256, EllipticCurves.EcdsaEncoding.DER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an ECDSA signer for the node key", e);
        }
    }

    /** A fresh P-384 key pair (from the JDK's SecureRandom through Tink). */
    public static FlowerNodeKey generate() {
        try {
            KeyPair kp = EllipticCurves.generateKeyPair(EllipticCurves.CurveType.NIST_P384);
            return new FlowerNodeKey((ECPrivateKey) kp.getPrivate(), (ECPublicKey) kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-384 key pair", e);
        }
    }

    /**
     * Loads a PKCS#8 PEM private key on P-384 (as {@link #save} writes it, or as Flower's tooling writes node keys).
     *
     * @throws BadInputException when the file is missing, too large, not PEM PKCS#8 or not a P-384 key
     */
    public static FlowerNodeKey load(Path file) {
        byte[] raw;
        try {
            if (Files.size(file) > 16 * 1024) {
                throw BadInputException.of("node key %s is larger than 16 KiB; expected a PEM private key", file);
            }
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw BadInputException.of("cannot read node key %s: %s", file, e.getMessage());
        }
        String pem = new String(raw, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw BadInputException.of("node key %s is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)", file);
        }
        String b64 = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        try {
            ECPrivateKey priv = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
            if (!com.google.crypto.tink.internal.EllipticCurvesUtil.isSameEcParameterSpec(priv.getParams(),
                    com.google.crypto.tink.internal.EllipticCurvesUtil.NIST_P384_PARAMS)) {
                throw BadInputException.of("node key %s is not on P-384", file);
            }
            ECPoint q = com.google.crypto.tink.internal.EllipticCurvesUtil.multiplyByGenerator(priv.getS(), priv.getParams());
            ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.ECPublicKeySpec(q, priv.getParams()));
            return new FlowerNodeKey(priv, pub);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw BadInputException.of("node key %s is not an EC private key: %s", file, e.getClass().getSimpleName());
        }
    }

    /** Loads {@code file} if it exists, otherwise generates a key and saves it there. */
    public static FlowerNodeKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        FlowerNodeKey k = generate();
        k.save(file);
        return k;
    }

    /** Writes the private key as PKCS#8 PEM, readable by the owner only (temporary file, then move). */
    public void save(Path file) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                        privateKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".nodekey", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's permissions apply
            }
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw BadInputException.of("cannot write node key %s: %s", file, e.getMessage());
        }
    }

    /** The public key as PEM SubjectPublicKeyInfo bytes, the form Flower sends and stores. */
    public byte[] publicKeyPem() {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                        publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        return pem.getBytes(StandardCharsets.US_ASCII);
    }

    /** The public key. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** ECDSA-SHA256 signature (DER) of {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            return signer.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "FlowerNodeKey[P-384, public key SHA-256 " + org.botsec.flower.internal.ObjectContent.sha256Hex(
                publicKeyPem()).substring(0, 16) + "…]";
    }
}
