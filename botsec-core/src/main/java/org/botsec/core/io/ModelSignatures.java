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
import org.botsec.core.model.Model;
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
 * <p>Model files that are not BotSec's own (an ONNX model, an endpoint mapping: whatever a
 * {@link ForeignModelFormat} reads) are signed whole: the message is the format line, then {@code "file <sha256>\n"}
 * with the SHA-256 of every byte of the file. The two message forms differ in their second line, so a signature of
 * one kind never verifies as the other.
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

    /** What a signature covers. */
    public enum Coverage {
        /** A BotSec model file: its exact header bytes and every tensor's bytes. */
        HEADER_AND_TENSORS,
        /** Any other model file (ONNX, endpoint mapping): every byte of the file. */
        WHOLE_FILE
    }

    /**
     * A written signature.
     *
     * @param sha256  the SHA-256 of the header ({@link Coverage#HEADER_AND_TENSORS}) or of the whole file
     *                ({@link Coverage#WHOLE_FILE})
     * @param tensors how many tensors' hashes are signed (0 for a whole-file signature)
     */
    public record Signature(Path model, Path signatureFile, long keyId, Coverage coverage, String sha256, int tensors) {
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
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("algorithm", "ed25519");
        doc.put("key_id", key.keyId());
        doc.put("model", model.getFileName().toString());
        Signature result;
        Path sig = signatureFile(model);
        if (ModelFiles.foreignFormat(model).isPresent()) {
            // sign only a file that loads: a damaged model is refused before it is signed
            if (ModelFiles.load(model) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the model was only opened to check it
                }
            }
            String fileSha = fileSha256(model, Optional.empty());
            doc.put("file_sha256", fileSha);
            doc.put("signature", Base64.getEncoder().encodeToString(key.sign(fileMessage(fileSha))));
            result = new Signature(model, sig, key.keyId(), Coverage.WHOLE_FILE, fileSha, 0);
        } else {
            ModelFiles.Checked file = ModelFiles.readChecked(model);
            String headerSha = ModelFiles.sha256Hex(file.headerBytes());
            byte[] signature = key.sign(message(headerSha, file.tensorSha256()));
            doc.put("header_sha256", headerSha);
            ObjectNode tensors = doc.putObject("tensor_sha256");
            file.tensorSha256().forEach(tensors::put);
            doc.put("signature", Base64.getEncoder().encodeToString(signature));
            result = new Signature(model, sig, key.keyId(), Coverage.HEADER_AND_TENSORS, headerSha,
                    file.tensorSha256().size());
        }
        try {
            SafeFiles.writeAtomically(sig, doc.toPrettyString() + "\n");
        } catch (IOException e) {
            throw BadInputException.of("cannot write signature file %s: %s", sig, e.getMessage());
        }
        return result;
    }

    /**
     * Checks {@code model} against its {@link #signatureFile(Path)} with the public keyset in {@code publicKeyFile}
     * (Tink JSON). A failed check is a result, not an exception; a public key or signature file that cannot be
     * parsed at all is bad input.
     */
    public static Verification verify(Path model, Path publicKeyFile) {
        PublicKeyVerify verifier = verifier(publicKeyFile);
        if (ModelFiles.foreignFormat(model).isPresent()) {
            return verifyWholeFile(model, publicKeyFile, verifier, fileSha256(model, Optional.empty()));
        }
        Path sig = signatureFile(model);
        ModelFiles.Checked file;
        try {
            file = ModelFiles.readChecked(model);
        } catch (ModelIntegrityException e) {
            return new Verification(model, sig, Optional.empty(), Optional.of(e.getMessage()));
        }
        return verifyChecked(model, publicKeyFile, verifier, file);
    }

    private static Verification verifyChecked(Path model, Path publicKeyFile, PublicKeyVerify verifier,
            ModelFiles.Checked file) {
        Path sig = signatureFile(model);
        if (!Files.exists(sig)) {
            return unsigned(model, sig);
        }
        SignatureFile stored = readSignatureFile(sig);
        if (stored.fileSha256().isPresent()) {
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.of(String.format(Locale.ROOT,
                    "the signature in %s is a whole-file signature of another kind of model file, not of the BotSec "
                    + "model %s", sig, model)));
        }
        String headerSha = ModelFiles.sha256Hex(file.headerBytes());
        try {
            verifier.verify(stored.signature, message(headerSha, file.tensorSha256()));
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.empty());
        } catch (GeneralSecurityException e) {
            return new Verification(model, sig, Optional.of(stored.keyId),
                    Optional.of(diagnose(model, sig, publicKeyFile, stored, headerSha, file.tensorSha256())));
        }
    }

    private static Verification verifyWholeFile(Path model, Path publicKeyFile, PublicKeyVerify verifier,
            String fileSha) {
        Path sig = signatureFile(model);
        if (!Files.exists(sig)) {
            return unsigned(model, sig);
        }
        SignatureFile stored = readSignatureFile(sig);
        if (stored.fileSha256().isEmpty()) {
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.of(String.format(Locale.ROOT,
                    "the signature in %s is for a BotSec model file, not for %s", sig, model)));
        }
        try {
            verifier.verify(stored.signature, fileMessage(fileSha));
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.empty());
        } catch (GeneralSecurityException e) {
            String problem = stored.fileSha256().get().equals(fileSha)
                    ? String.format(Locale.ROOT, "the signature in %s does not verify with public key %s (signed "
                            + "with another key, or the signature was altered)", sig, publicKeyFile)
                    : String.format(Locale.ROOT, "model %s changed since it was signed: its SHA-256 differs", model);
            return new Verification(model, sig, Optional.of(stored.keyId), Optional.of(problem));
        }
    }

    private static Verification unsigned(Path model, Path sig) {
        return new Verification(model, sig, Optional.empty(), Optional.of(String.format(Locale.ROOT,
                "model %s has no signature file %s (sign it with: botsec models sign --model %s --key KEY)",
                model, sig, model)));
    }

    /**
     * Loads {@code model} only if its signature verifies with {@code publicKeyFile}, from the very bytes that were
     * verified: the file is read once (a BotSec model) or copied once into a private temporary folder that is then
     * checked and loaded (any other model file), so replacing the file while it is being loaded cannot slip an
     * unsigned model past the check. For callers that must not use an unsigned model (the gateway's
     * {@code serve --require-signature}).
     *
     * @throws ThresholdException when the signature is missing or not valid (the CLI exits with code 3), with
     *                            the same message as {@link #require}
     * @throws BadInputException  when a file cannot be read or parsed
     */
    public static Model loadVerified(Path model, Path publicKeyFile) {
        PublicKeyVerify verifier = verifier(publicKeyFile);
        if (ModelFiles.foreignFormat(model).isEmpty()) {
            ModelFiles.Checked file;
            try {
                file = ModelFiles.readChecked(model);
            } catch (ModelIntegrityException e) {
                throw new ThresholdException("signature required but not valid: " + e.getMessage());
            }
            requireValid(verifyChecked(model, publicKeyFile, verifier, file));
            return ModelRegistry.fromState(file.state());
        }
        Path dir;
        try {
            // owner-only on POSIX (the JDK's default for temporary folders): nobody else can swap the copy
            dir = Files.createTempDirectory("botsec-verified-");
        } catch (IOException e) {
            throw BadInputException.of("cannot create a temporary folder to check %s: %s", model, e.getMessage());
        }
        Path copy = dir.resolve(model.getFileName().toString());
        try {
            String sha = fileSha256(model, Optional.of(copy));
            requireValid(verifyWholeFile(model, publicKeyFile, verifier, sha));
            return ModelFiles.load(copy);
        } finally {
            try {
                Files.deleteIfExists(copy);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a left-over copy in the temporary folder is harmless; the model is already loaded or refused
            }
        }
    }

    private static void requireValid(Verification v) {
        if (!v.valid()) {
            throw new ThresholdException("signature required but not valid: " + v.problem().get());
        }
    }

    /** Largest foreign model file hashed or copied (protobuf's own limit for an ONNX model is 2 GB). */
    static final long MAX_FOREIGN_FILE_BYTES = 2L << 30;

    /** The SHA-256 of {@code file}'s bytes, written also to {@code copy} when given, as they are read. */
    private static String fileSha256(Path file, Optional<Path> copy) {
        try (java.io.InputStream in = Files.newInputStream(file);
             java.io.OutputStream out = copy.isPresent()
                     ? Files.newOutputStream(copy.get(), java.nio.file.StandardOpenOption.CREATE_NEW)
                     : java.io.OutputStream.nullOutputStream()) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > MAX_FOREIGN_FILE_BYTES) {
                    throw BadInputException.of("model file %s is larger than %d bytes", file, MAX_FOREIGN_FILE_BYTES);
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.nio.file.NoSuchFileException e) {
            throw BadInputException.of("model file not found: %s", file);
        } catch (IOException e) {
            throw BadInputException.of("cannot read model file %s: %s", file, e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The signed message of a whole-file signature (see the class comment). */
    static byte[] fileMessage(String fileSha256) {
        return (FORMAT + "\nfile " + fileSha256 + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@link #verify} for callers that must not go on without a valid signature (the CLI's
     * {@code --require-signature}): an invalid or missing signature is a failed policy ({@link ThresholdException},
     * exit code 3) whose message says what failed.
     */
    public static Verification require(Path model, Path publicKeyFile) {
        Verification v = verify(model, publicKeyFile);
        requireValid(v);
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

    /** A parsed signature file: header and tensor hashes, or (whole-file signature) the file's hash. */
    private record SignatureFile(long keyId, String headerSha256, Map<String, String> tensorSha256,
            Optional<String> fileSha256, byte[] signature) {
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
        String whole = root.path("file_sha256").asText("");
        String signature = root.path("signature").asText("");
        boolean wholeFile = !whole.isEmpty() && header.isEmpty() && tensors.isMissingNode();
        if (!(wholeFile || tensors.isObject() && !header.isEmpty()) || signature.isEmpty()
                || !root.path("key_id").canConvertToLong()) {
            throw BadInputException.of("signature file %s lacks key_id, signature, or either header_sha256 and "
                    + "tensor_sha256 or file_sha256", sig);
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
        return new SignatureFile(root.path("key_id").asLong(), header, hashes,
                wholeFile ? Optional.of(whole) : Optional.empty(), bytes);
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
