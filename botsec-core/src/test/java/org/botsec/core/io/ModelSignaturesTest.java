package org.botsec.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.io.internal.TinkKeysets;
import org.botsec.core.model.ModelState;
import org.botsec.core.model.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing and verifying model files. The reference is Tink's Ed25519 (RFC 8032) implementation: each failure case
 * changes exactly one input (a tensor byte, the header, the key, the signature bytes) and must turn a valid
 * verification into an invalid one naming what changed.
 */
class ModelSignaturesTest {
    @TempDir
    Path dir;
    Path model;
    Path pub;
    ModelSigningKey key;

    @BeforeEach
    void signedModel() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("coef", Tensor.matrix(1, 3, new double[] {0.5, -1.25, 2}));
        tensors.put("intercept", Tensor.vector(new double[] {0.1}));
        ObjectNode desc = new ObjectMapper().createObjectNode();
        desc.putArray("class_names").add("no").add("yes");
        model = dir.resolve("m.safetensors");
        ModelFiles.write(new ModelState("logistic_regression", tensors, desc), model);
        key = ModelSigningKey.generate();
        pub = dir.resolve("pub.json");
        key.writePublic(pub);
    }

    @Test
    void signThenVerifyRoundTrip() throws IOException {
        byte[] before = Files.readAllBytes(model);
        ModelSignatures.Signature s = ModelSignatures.sign(model, key);
        assertEquals(dir.resolve("m.safetensors.sig"), s.signatureFile());
        assertEquals(2, s.tensors());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model)), "signing leaves the model unchanged");
        ModelSignatures.Verification v = ModelSignatures.verify(model, pub);
        assertTrue(v.valid(), v.toString());
        assertEquals(Optional.of(key.keyId()), v.keyId());
        assertEquals(v, ModelSignatures.require(model, pub));
    }

    @Test
    void tamperedTensorFails() throws IOException {
        ModelSignatures.sign(model, key);
        byte[] bytes = Files.readAllBytes(model);
        int at = bytes.length - 1; // a byte of the last tensor ('intercept')
        bytes[at] ^= 0x01;
        Files.write(model, bytes);
        ModelSignatures.Verification v = ModelSignatures.verify(model, pub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("tensor 'intercept' does not match its SHA-256"), v.problem().get());

        // an attacker who also rewrites the header's hash: the signature still catches it
        ModelState state = readIgnoringHashes(bytes);
        ModelFiles.write(state, model);
        v = ModelSignatures.verify(model, pub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("changed since it was signed: tensor 'intercept' differs"),
                v.problem().get());
        ThresholdException e = assertThrows(ThresholdException.class, () -> ModelSignatures.require(model, pub));
        assertTrue(e.getMessage().startsWith("signature required but not valid: model "), e.getMessage());
    }

    @Test
    void changedHeaderFails() throws IOException {
        ModelSignatures.sign(model, key);
        ModelState s = ModelFiles.read(model);
        s.description().putArray("class_names").add("yes").add("no"); // swap the labels, same tensors
        ModelFiles.write(s, model);
        ModelSignatures.Verification v = ModelSignatures.verify(model, pub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("its header differs"), v.problem().get());
    }

    @Test
    void wrongKeyFails() {
        ModelSignatures.sign(model, key);
        Path otherPub = dir.resolve("other.json");
        ModelSigningKey.generate().writePublic(otherPub);
        ModelSignatures.Verification v = ModelSignatures.verify(model, otherPub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("does not verify with public key " + otherPub), v.problem().get());
    }

    @Test
    void truncatedOrAlteredSignatureFails() throws IOException {
        ModelSignatures.sign(model, key);
        Path sig = ModelSignatures.signatureFile(model);
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(sig.toFile());
        byte[] signature = Base64.getDecoder().decode(doc.get("signature").asText());
        assertEquals(5 + 64, signature.length, "Tink prefix + Ed25519 signature");
        for (byte[] bad : new byte[][] {java.util.Arrays.copyOf(signature, signature.length - 1),
                java.util.Arrays.copyOf(signature, 5), flipped(signature, 40)}) {
            doc.put("signature", Base64.getEncoder().encodeToString(bad));
            Files.writeString(sig, doc.toString());
            ModelSignatures.Verification v = ModelSignatures.verify(model, pub);
            assertFalse(v.valid(), "signature of " + bad.length + " bytes");
            assertTrue(v.problem().get().contains("does not verify"), v.problem().get());
        }
        // a signature file cut off mid-way is not JSON: bad input, one line
        String text = Files.readString(sig);
        Files.writeString(sig, text.substring(0, text.length() / 2));
        BadInputException e = assertThrows(BadInputException.class, () -> ModelSignatures.verify(model, pub));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    @Test
    void missingSignatureAndBadKeysAreNamed() throws IOException {
        ModelSignatures.Verification v = ModelSignatures.verify(model, pub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("has no signature file"), v.problem().get());
        Path priv = dir.resolve("key.json");
        key.writePrivate(priv, Optional.empty());
        BadInputException e = assertThrows(BadInputException.class, () -> ModelSignatures.verify(model, priv));
        assertTrue(e.getMessage().contains("is not a Tink JSON Ed25519 public keyset"), e.getMessage());
    }

    @Test
    void privateKeyFileRoundTripsEncryptedAndNeverHoldsTheKeyInClear() throws IOException {
        Aead master = TinkKeysets.masterAead(masterKeysetJson(), "test");
        Path priv = dir.resolve("key.json");
        key.writePrivate(priv, Optional.of(master));
        String text = Files.readString(priv);
        assertTrue(text.contains("encryptedKeyset"), text);
        assertFalse(key.toString().contains("value"), key.toString());
        ModelSigningKey again = ModelSigningKey.load(priv, Optional.of(master));
        assertEquals(key.keyId(), again.keyId());
        ModelSignatures.sign(model, again);
        assertTrue(ModelSignatures.verify(model, pub).valid());
        BadInputException noMaster = assertThrows(BadInputException.class,
                () -> ModelSigningKey.load(priv, Optional.empty()));
        assertTrue(noMaster.getMessage().contains("is encrypted: give the master key"), noMaster.getMessage());
        Aead other = TinkKeysets.masterAead(masterKeysetJson(), "other");
        BadInputException wrong = assertThrows(BadInputException.class,
                () -> ModelSigningKey.load(priv, Optional.of(other)));
        assertTrue(wrong.getMessage().contains("does not open"), wrong.getMessage());
    }

    /** Files written before tensor hashes can be signed too: the signature covers the tensors' bytes directly. */
    @Test
    void oldFileWithoutHashesCanBeSignedAndTamperingIsCaught() throws IOException {
        Path old = dir.resolve("old.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/org/botsec/core/io/format-v1/softmax_3class.safetensors")) {
            Files.write(old, in.readAllBytes());
        }
        ModelSignatures.sign(old, key);
        assertTrue(ModelSignatures.verify(old, pub).valid());
        byte[] bytes = Files.readAllBytes(old);
        bytes[bytes.length - 2] ^= 0x01;
        Files.write(old, bytes);
        ModelSignatures.Verification v = ModelSignatures.verify(old, pub);
        assertFalse(v.valid());
        assertTrue(v.problem().get().contains("differs"), v.problem().get());
    }

    private static byte[] flipped(byte[] b, int i) {
        byte[] c = b.clone();
        c[i] ^= 0x01;
        return c;
    }

    private static String masterKeysetJson() {
        try {
            TinkKeysets.ensureRegistered();
            return com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
                    com.google.crypto.tink.KeysetHandle.generateNew(
                            com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM),
                    com.google.crypto.tink.InsecureSecretKeyAccess.get());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The state of a file whose tensor bytes were altered, read as an attacker would (dropping the stale hashes). */
    private ModelState readIgnoringHashes(byte[] bytes) throws IOException {
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) new ObjectMapper().readTree(new String(bytes, 8, (int) headerLen,
                StandardCharsets.UTF_8));
        ((ObjectNode) header.get("__metadata__")).remove("tensor_sha256");
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + bytes.length - 8 - (int) headerLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        b.put(bytes, 8 + (int) headerLen, bytes.length - 8 - (int) headerLen);
        Path tmp = dir.resolve("stripped.safetensors");
        Files.write(tmp, b.array());
        return ModelFiles.read(tmp);
    }
}
