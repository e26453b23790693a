package org.botsec.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.internal.TinkKeysets;

/**
 * Ed25519 signatures of model files, kept in a small JSON file beside the model ({@code MODEL.sig}).
 *
 * <p>What is signed: the bytes {@code "botsec-model-signature/1\n"}, then {@code "header <sha256>\n"} with the
 * SHA-256 of the file's exact JSON header bytes (which include the description, provenance and the per-tensor
 * hashes of {@link ModelFiles#TENSOR_SHA256}), then one line {@code "tensor <name as JSON string> <sha256>\n"} per
 * tensor in header order, with the SHA-256 of the tensor's bytes as found in the file. So the signature covers the
 * header and every tensor byte, also for files written before tensor hashes existed.
 *
 * <p>Why beside the model and not in its header: signing leaves the model file byte for byte as it was, so its
 * SHA-256 recorded elsewhere (audit reports, provenance of derived work) stays valid and Python's
 * {@code safetensors} reads it unchanged; and no JSON canonicalisation is needed, because the signature covers the
 * header's exact bytes. The cost is one more file to ship with the model.
 *
 * <p><b>Security guarantees.</b> Verification is Tink's Ed25519 {@link PublicKeyVerify} over the message rebuilt
 * from the model as it is now; the hashes stored in the signature file are used only to say <em>what</em> changed
 * once verification has already failed. A valid signature proves that the holder of the private key signed exactly
 * these bytes; it proves nothing if the public key came from the same place as the model.
 */
public final class ModelSignatures {
    /** The {@code format} of signature files this version writes and reads. */
    public static final String FORMAT = "botsec-model-signature/1";
    private static final int MAX_SIGNATURE_FILE_BYTES = 4 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelSignatures() {
    }

    /** Where the signature of {@code model} is kept: {@code MODEL.sig} in the same folder. */
    public static Path signatureFile(Path model) {
        return model.resolveSibling(model.getFileName() + ".sig");
    }

    /** A written signature. */
    public record Signature(Path model, Path signatureFile, long keyId, String headerSha256, int tensors) {
    }

    /**
     * The outcome of a verification: {@code problem} is empty exactly when the signature is valid; otherwise it is
     * one line saying what failed (no signature file, the model changed — naming the tensor where it can —, another
     * key, an altered signature).
     */
    public record Verification(Path model, Path signatureFile, Optional<Long> keyId, Optional<String> problem) {
        public Verification {
            if (problem.isPresent() && problem.get().isBlank()) {
                throw new IllegalArgumentException("a problem needs a description");
            }
        }

        public boolean valid() {
            return problem.isEmpty();
        }
    }

    /**
     * Signs {@code model} (after {@link ModelFiles#read}'s full check, tensor hashes included) and writes the
     * signature to {@link #signatureFile(Path)}, replacing an earlier one.
     */
    public static Signature sign(Path model, ModelSigningKey key) {
        ModelFiles.Checked file = ModelFiles.readChecked(model);
        String headerSha = ModelFiles.sha256Hex(file.headerBytes());
        byte[] signature = key.sign(message(headerSha, file.tensorSha256()));
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("algorithm", "ed25519");
        doc.put("key_id", key.keyId());
        doc.put("model", model.getFileName().toString());
        doc.put("header_sha256", headerSha);
        ObjectNode tensors = doc.putObject("tensor_sha256");
        file.tensorSha256().forEach(tensors::put);
        doc.put("signature", Base64.getEncoder().encodeToString(signature));
        Path sig = signatureFile(model);
        try {
            SafeFiles.writeAtomically(sig, doc.toPrettyString() + "\n");
        } catch (IOException e) {
            throw BadInputException.of("cannot write signature file %s: %s", sig, e.getMessage());
        }
        return new Signature(model, sig, key.keyId(), headerSha, file.tensorSha256().size());
    }

    /**
     * Checks {@code model} against its {@link #signatureFile(Path)} with the public keyset in {@code publicKeyFile}
     * (Tink JSON). A failed check is a result, not an exception; a public key or signature file that cannot be
     * parsed at all is bad input.
     */
    public static Verification verify(Path model, Path publicKeyFile) {
        PublicKeyVerify verifier = verifier(publicKeyFile);
        Path sig = signatureFile(model);
        ModelFiles.Checked file;
        try {
            file = ModelFiles.readChecked(model);
        } catch (ModelIntegrityException e) {
            return new Verification(model, sig, Optional.empty(), Optional.of(e.getMessage()));
        }
        if (!Files.exists(sig)) {
            return new Verification(model, sig, Optional.empty(), Optional.of(String.format(Locale.ROOT,
                    "model %s has no signature file %s (sign it with: botsec models sign --model %s --key KEY)",
                    model, sig, model)));
        }
        SignatureFile stored = readSignatureFile(sig);
        String headerSha = ModelFiles.sha256Hex(file.headerBytes());
        try {
            verifier.verify(stored.signature, message(headerSha, file.tensorSha256()));
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.empty());
        } catch (GeneralSecurityException e) {
            return new Verification(model, sig, Optional.of(stored.keyId),
                    Optional.of(diagnose(model, sig, publicKeyFile, stored, headerSha, file.tensorSha256())));
        }
    }

    /**
     * {@link #verify} for callers that must not go on without a valid signature (the CLI's
     * {@code --require-signature}): an invalid or missing signature is a failed policy ({@link ThresholdException},
     * exit code 3) whose message says what failed.
     */
    public static Verification require(Path model, Path publicKeyFile) {
        Verification v = verify(model, publicKeyFile);
        if (!v.valid()) {
            throw new ThresholdException("signature required but not valid: " + v.problem().get());
        }
        return v;
    }

    /** The signed message (see the class comment). */
    static byte[] message(String headerSha256, Map<String, String> tensorSha256) {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        b.append("header ").append(headerSha256).append('\n');
        for (Map.Entry<String, String> e : tensorSha256.entrySet()) {
            String quoted;
            try {
                quoted = MAPPER.writeValueAsString(e.getKey()); // JSON quoting: a name cannot forge a line break
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
            b.append("tensor ").append(quoted).append(' ').append(e.getValue()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String diagnose(Path model, Path sig, Path pub, SignatureFile stored, String headerSha,
            Map<String, String> tensors) {
        for (Map.Entry<String, String> e : tensors.entrySet()) {
            String then = stored.tensorSha256.get(e.getKey());
            if (then == null) {
                return String.format(Locale.ROOT, "model %s changed since it was signed: tensor %s is new", model,
                        ModelFiles.excerpt(e.getKey()));
            }
            if (!then.equals(e.getValue())) {
                return String.format(Locale.ROOT, "model %s changed since it was signed: tensor %s differs", model,
                        ModelFiles.excerpt(e.getKey()));
            }
        }
        if (!stored.headerSha256.equals(headerSha) || stored.tensorSha256.size() != tensors.size()) {
            return String.format(Locale.ROOT, "model %s changed since it was signed: its header differs", model);
        }
        return String.format(Locale.ROOT, "the signature in %s does not verify with public key %s (signed with "
                + "another key, or the signature was altered)", sig, pub);
    }

    private record SignatureFile(long keyId, String headerSha256, Map<String, String> tensorSha256, byte[] signature) {
    }

    private static SignatureFile readSignatureFile(Path sig) {
        String text = SafeFiles.readSmallUtf8(sig, MAX_SIGNATURE_FILE_BYTES, "signature file");
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw BadInputException.of("signature file %s is not valid JSON (%s)", sig, e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw BadInputException.of("signature file %s is not a BotSec model signature (format %s expected)", sig,
                    FORMAT);
        }
        JsonNode tensors = root.path("tensor_sha256");
        String header = root.path("header_sha256").asText("");
        String signature = root.path("signature").asText("");
        if (!tensors.isObject() || header.isEmpty() || signature.isEmpty() || !root.path("key_id").canConvertToLong()) {
            throw BadInputException.of("signature file %s lacks key_id, header_sha256, tensor_sha256 or signature", sig);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            hashes.put(f.getKey(), f.getValue().asText(""));
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("signature file %s: signature is not base64", sig);
        }
        return new SignatureFile(root.path("key_id").asLong(), header, hashes, bytes);
    }

    private static PublicKeyVerify verifier(Path publicKeyFile) {
        TinkKeysets.ensureRegistered();
        String json = SafeFiles.readSmallUtf8(publicKeyFile, ModelSigningKey.MAX_KEY_BYTES, "public key file");
        try {
            return TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(json)
                    .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BadInputException.of("public key file %s is not a Tink JSON Ed25519 public keyset", publicKeyFile);
        }
    }
}
