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
import org.botsec.flower.internal.OpenSshKeys;
import com.google.crypto.tink.subtle.EcdsaSignJce;
import com.google.crypto.tink.subtle.EllipticCurves;
import com.google.crypto.tink.subtle.Enums;

/**
 * A Flower node key: an ECDSA key pair on NIST P-384. The SuperLink knows a node by its public key (PEM
 * SubjectPublicKeyInfo); every Fleet call carries that key, an ISO-8601 UTC timestamp and an ECDSA-SHA256 signature
 * (DER) over the timestamp's ASCII bytes. A SuperLink started with {@code --enable-supernode-auth} accepts only keys
 * registered with {@code flwr supernode register KEY.pub} (an OpenSSH public key line, {@link #openSshPublicKey}) and
 * compares the header with the PEM it stored byte for byte.
 *
 * <p>Security guarantees: signing goes through Tink's ECDSA ({@code EcdsaSignJce}); the private key is never logged
 * or printed, and {@link #save} writes it owner-readable only (PKCS#8 PEM; Flower's own SuperNode reads OpenSSH keys
 * instead, which {@link #load} reads too, so one {@code ssh-keygen} key can serve both). The
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
     * Loads a P-384 private key: OpenSSH ({@code BEGIN OPENSSH PRIVATE KEY}, unencrypted; what {@code ssh-keygen -t
     * ecdsa -b 384} writes and Flower's SuperNode reads with {@code --auth-supernode-private-key}), PKCS#8
     * ({@code BEGIN PRIVATE KEY}, as {@link #save} writes it) or SEC1 ({@code BEGIN EC PRIVATE KEY}).
     *
     * @throws BadInputException when the file is missing, too large, in another format, encrypted or not on P-384
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
        try {
            ECPrivateKey priv;
            if (pem.contains(OPENSSH_BEGIN)) {
                priv = OpenSshKeys.readPrivate(pemBody(pem, OPENSSH_BEGIN, "-----END OPENSSH PRIVATE KEY-----",
                        file), file);
            } else if (pem.contains(PKCS8_BEGIN)) {
                priv = pkcs8(pemBody(pem, PKCS8_BEGIN, "-----END PRIVATE KEY-----", file));
            } else if (pem.contains(SEC1_BEGIN)) {
                priv = pkcs8(OpenSshKeys.sec1ToPkcs8(pemBody(pem, SEC1_BEGIN, "-----END EC PRIVATE KEY-----", file),
                        file));
            } else {
                throw BadInputException.of("node key %s is not an OpenSSH, PKCS#8 or SEC1 PEM private key", file);
            }
            if (!com.google.crypto.tink.internal.EllipticCurvesUtil.isSameEcParameterSpec(priv.getParams(),
                    com.google.crypto.tink.internal.EllipticCurvesUtil.NIST_P384_PARAMS)) {
                throw BadInputException.of("node key %s is not on P-384 (make one with ssh-keygen -t ecdsa -b 384)",
                        file);
            }
            ECPoint q = com.google.crypto.tink.internal.EllipticCurvesUtil.multiplyByGenerator(priv.getS(), priv.getParams());
            ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.ECPublicKeySpec(q, priv.getParams()));
            return new FlowerNodeKey(priv, pub);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw BadInputException.of("node key %s is not an EC private key: %s", file, e.getClass().getSimpleName());
        }
    }

    private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String SEC1_BEGIN = "-----BEGIN EC PRIVATE KEY-----";

    private static byte[] pemBody(String pem, String begin, String end, Path file) {
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw BadInputException.of("node key %s: PEM block %s has no end line", file, begin);
        }
        String body = pem.substring(b + begin.length(), e);
        if (body.contains(":")) {
            throw BadInputException.of("node key %s is encrypted (PEM headers); give an unencrypted key", file);
        }
        return Base64.getDecoder().decode(body.replaceAll("\\s", ""));
    }

    private static ECPrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /**
     * Loads {@code file} if it exists, otherwise generates a key and saves it there (and its OpenSSH public key as
     * {@code file.pub}, the file {@code flwr supernode register} takes).
     */
    public static FlowerNodeKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        FlowerNodeKey k = generate();
        k.save(file);
        k.savePublic(file.resolveSibling(file.getFileName() + ".pub"));
        return k;
    }

    /** Writes the OpenSSH public key line ({@link #openSshPublicKey}) to {@code file}. */
    public void savePublic(Path file) {
        try {
            Files.writeString(file, openSshPublicKey("botsec-flower-node") + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw BadInputException.of("cannot write node public key %s: %s", file, e.getMessage());
        }
    }

    /**
     * The public key as one OpenSSH line, {@code ecdsa-sha2-nistp384 BASE64 comment} (RFC 5656 section 3.1): the
     * format {@code ssh-keygen} writes to {@code .pub} files and {@code flwr supernode register} reads.
     */
    public String openSshPublicKey(String comment) {
        return OpenSshKeys.publicKeyLine(publicKey, comment);
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
