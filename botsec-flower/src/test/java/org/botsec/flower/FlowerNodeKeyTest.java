package org.botsec.flower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.botsec.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node keys in the formats Flower's node authentication uses. Reference: the files in
 * {@code src/test/resources/flower-node-key/} (README there): a key made by {@code ssh-keygen -t ecdsa -b 384} as
 * Flower's guide makes SuperNode keys, and the PEM bytes Flower 1.23.0 derives from it, both when
 * {@code flwr supernode register} reads the {@code .pub} file and when {@code flower-supernode} signs with the private
 * key. The SuperLink compares the metadata header with that PEM byte for byte.
 */
class FlowerNodeKeyTest {
    static Path resource(String name) throws Exception {
        return Path.of(FlowerNodeKeyTest.class.getResource("/flower-node-key/" + name).toURI());
    }

    @Test
    void anOpenSshKeySendsTheExactPemFlowerRegistersForIt() throws Exception {
        FlowerNodeKey key = FlowerNodeKey.load(resource("test_node_p384"));
        assertArrayEquals(Files.readAllBytes(resource("test_node_p384.flower-public.pem")), key.publicKeyPem());
    }

    @Test
    void theSec1CopyOfTheSameKeyIsTheSameKey() throws Exception {
        FlowerNodeKey key = FlowerNodeKey.load(resource("test_node_p384.sec1.pem"));
        assertArrayEquals(Files.readAllBytes(resource("test_node_p384.flower-public.pem")), key.publicKeyPem());
    }

    @Test
    void theOpenSshPublicKeyLineEqualsSshKeygens() throws Exception {
        FlowerNodeKey key = FlowerNodeKey.load(resource("test_node_p384"));
        String pub = Files.readString(resource("test_node_p384.pub"), StandardCharsets.US_ASCII).trim();
        assertEquals(pub, key.openSshPublicKey("botsec-test-node"));
    }

    @Test
    void signaturesVerifyUnderTheRegisteredPemWithTheJdk() throws Exception {
        FlowerNodeKey key = FlowerNodeKey.load(resource("test_node_p384"));
        String pem = Files.readString(resource("test_node_p384.flower-public.pem"), StandardCharsets.US_ASCII);
        PublicKey pk = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""))));
        byte[] ts = "2026-12-03T19:55:00.123456+00:00".getBytes(StandardCharsets.US_ASCII);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(pk);
        v.update(ts);
        assertTrue(v.verify(key.sign(ts)));
    }

    @Test
    void aCreatedKeyIsSavedOwnerOnlyWithItsOpenSshPublicKeyAndLoadsBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.pem");
        FlowerNodeKey created = FlowerNodeKey.loadOrCreate(file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(created.openSshPublicKey("botsec-flower-node") + "\n", Files.readString(dir.resolve("node.pem.pub")));
        FlowerNodeKey loaded = FlowerNodeKey.loadOrCreate(file);
        assertArrayEquals(created.publicKeyPem(), loaded.publicKeyPem());
    }

    @Test
    void keysFlowerCannotUseAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        BadInputException enc = assertThrows(BadInputException.class,
                () -> FlowerNodeKey.load(resource("test_node_p384.encrypted")));
        assertTrue(enc.getMessage().contains("passphrase-protected"), enc.getMessage());
        BadInputException ed = assertThrows(BadInputException.class,
                () -> FlowerNodeKey.load(resource("test_node_ed25519")));
        assertTrue(ed.getMessage().contains("is a ssh-ed25519 key"), ed.getMessage());
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "hello");
        assertTrue(assertThrows(BadInputException.class, () -> FlowerNodeKey.load(junk)).getMessage()
                .contains("not an OpenSSH, PKCS#8 or SEC1"));
        // the OpenSSH container cut short: every length is checked against the bytes left
        String full = Files.readString(resource("test_node_p384"));
        String body = full.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] raw = Base64.getDecoder().decode(body);
        byte[] cut = java.util.Arrays.copyOf(raw, raw.length / 2);
        Path truncated = dir.resolve("truncated");
        Files.writeString(truncated, "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(cut)
                + "\n-----END OPENSSH PRIVATE KEY-----\n");
        assertTrue(assertThrows(BadInputException.class, () -> FlowerNodeKey.load(truncated)).getMessage()
                .contains("truncated"));
    }
}
