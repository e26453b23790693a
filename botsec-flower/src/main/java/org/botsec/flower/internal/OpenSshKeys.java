package org.botsec.flower.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.botsec.core.BadInputException;

/**
 * The key encodings Flower's node authentication uses besides PEM: OpenSSH ECDSA keys on NIST P-384. Flower's
 * documentation makes node keys with {@code ssh-keygen -t ecdsa -b 384}; {@code flwr supernode register} reads the
 * {@code .pub} line (RFC 5656 section 3.1: {@code string "ecdsa-sha2-nistp384", string "nistp384", string Q}) and
 * the SuperNode reads the private key file (OpenSSH's {@code openssh-key-v1} container, PROTOCOL.key). Only
 * unencrypted private keys are read; every length is checked against the remaining bytes before use.
 */
public final class OpenSshKeys {
    private static final String KEY_TYPE = "ecdsa-sha2-nistp384";
    private static final String CURVE = "nistp384";
    private static final int FIELD_BYTES = 48;
    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    // DER of AlgorithmIdentifier { id-ecPublicKey, secp384r1 } (RFC 5480)
    private static final byte[] EC_P384_ALGORITHM = {0x30, 0x10, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
        0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x22};

    private OpenSshKeys() {
    }

    /** {@code ecdsa-sha2-nistp384 BASE64 comment} for a P-384 public key. */
    public static String publicKeyLine(ECPublicKey key, String comment) {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        writeString(blob, KEY_TYPE.getBytes(StandardCharsets.US_ASCII));
        writeString(blob, CURVE.getBytes(StandardCharsets.US_ASCII));
        byte[] q = new byte[1 + 2 * FIELD_BYTES];
        q[0] = 0x04; // uncompressed point (SEC 1, 2.3.3)
        fixed(key.getW().getAffineX(), q, 1);
        fixed(key.getW().getAffineY(), q, 1 + FIELD_BYTES);
        writeString(blob, q);
        return KEY_TYPE + " " + Base64.getEncoder().encodeToString(blob.toByteArray())
                + (comment.isEmpty() ? "" : " " + comment);
    }

    /**
     * Reads the body (base64-decoded) of an unencrypted {@code BEGIN OPENSSH PRIVATE KEY} block holding one P-384 key.
     *
     * @throws BadInputException naming what is wrong: encryption, key count, key type, truncation
     */
    public static ECPrivateKey readPrivate(byte[] container, Path file) {
        ByteBuffer b = ByteBuffer.wrap(container);
        if (container.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(container, MAGIC.length), MAGIC)) {
            throw BadInputException.of("node key %s: not an openssh-key-v1 container", file);
        }
        b.position(MAGIC.length);
        String cipher = ascii(readString(b, file));
        String kdf = ascii(readString(b, file));
        readString(b, file); // kdf options
        if (!cipher.equals("none") || !kdf.equals("none")) {
            throw BadInputException.of("node key %s is passphrase-protected (cipher %s); remove the passphrase with "
                    + "ssh-keygen -p -N '' -f FILE or give an unencrypted key", file, cipher);
        }
        int keys = readInt(b, file);
        if (keys != 1) {
            throw BadInputException.of("node key %s holds %d keys, expected 1", file, keys);
        }
        readString(b, file); // public key blob, re-derived from the private scalar below
        ByteBuffer p = ByteBuffer.wrap(readString(b, file));
        if (readInt(p, file) != readInt(p, file)) {
            throw BadInputException.of("node key %s: check integers differ (corrupt or encrypted key)", file);
        }
        String type = ascii(readString(p, file));
        if (!type.equals(KEY_TYPE)) {
            throw BadInputException.of("node key %s is a %s key; Flower node keys are %s (ssh-keygen -t ecdsa -b 384)",
                    file, type, KEY_TYPE);
        }
        if (!ascii(readString(p, file)).equals(CURVE)) {
            throw BadInputException.of("node key %s: curve name is not %s", file, CURVE);
        }
        readString(p, file); // Q
        BigInteger d = new BigInteger(1, readString(p, file));
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d,
                    com.google.crypto.tink.internal.EllipticCurvesUtil.NIST_P384_PARAMS));
        } catch (GeneralSecurityException e) {
            throw BadInputException.of("node key %s: the private scalar is not a P-384 key", file);
        }
    }

    /**
     * Wraps a SEC1 {@code ECPrivateKey} (the body of {@code BEGIN EC PRIVATE KEY}) in a PKCS#8 PrivateKeyInfo for
     * P-384, so the JDK's key factory reads it. The curve inside the SEC1 structure is checked by the caller.
     */
    public static byte[] sec1ToPkcs8(byte[] sec1, Path file) {
        if (sec1.length > 4096) {
            throw BadInputException.of("node key %s: EC private key is too long", file);
        }
        if (indexOf(sec1, Arrays.copyOfRange(EC_P384_ALGORITHM, 11, EC_P384_ALGORITHM.length)) < 0) {
            throw BadInputException.of("node key %s is not on P-384 (its EC parameters name another curve or none)",
                    file);
        }
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        inner.writeBytes(EC_P384_ALGORITHM);
        inner.write(0x04);
        derLength(inner, sec1.length);
        inner.writeBytes(sec1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        derLength(out, inner.size());
        out.writeBytes(inner.toByteArray());
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void derLength(ByteArrayOutputStream out, int n) {
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
    }

    private static void fixed(BigInteger v, byte[] out, int at) {
        byte[] raw = v.toByteArray();
        int len = Math.min(raw.length, FIELD_BYTES);
        System.arraycopy(raw, raw.length - len, out, at + FIELD_BYTES - len, len);
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        out.write(s.length >>> 24);
        out.write(s.length >>> 16);
        out.write(s.length >>> 8);
        out.write(s.length);
        out.writeBytes(s);
    }

    private static int readInt(ByteBuffer b, Path file) {
        if (b.remaining() < 4) {
            throw BadInputException.of("node key %s is truncated", file);
        }
        return b.getInt();
    }

    private static byte[] readString(ByteBuffer b, Path file) {
        int n = readInt(b, file);
        if (n < 0 || n > b.remaining()) {
            throw BadInputException.of("node key %s is truncated (a field of %d bytes, %d left)", file, n,
                    b.remaining());
        }
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }

    private static String ascii(byte[] s) {
        return new String(s, StandardCharsets.US_ASCII);
    }
}
