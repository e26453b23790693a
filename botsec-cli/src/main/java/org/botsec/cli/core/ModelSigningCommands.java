package org.botsec.cli.core;

import com.google.crypto.tink.Aead;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.cli.Json;
import org.botsec.core.BadInputException;
import org.botsec.core.files.SafeFiles;
import org.botsec.core.io.ModelSignatures;
import org.botsec.core.io.ModelSigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code botsec models keygen | sign | verify}: Ed25519 signatures of model files (docs/model-format.md, "Signed
 * model files"). The commands parse and render; {@link ModelSignatures} and {@link ModelSigningKey} do the work.
 */
public final class ModelSigningCommands {
    /** The environment variable holding the master key that encrypts private keysets (shared with the guard). */
    static final String MASTER_KEY_ENV = "BOTSEC_MASTER_KEY";

    private ModelSigningCommands() {
    }

    /** The master key from {@code --master-key FILE}, else {@value #MASTER_KEY_ENV}, else none. */
    static Optional<Aead> masterKey(Path file) {
        if (file != null) {
            return Optional.of(ModelSigningKey.masterKey(SafeFiles.readSmallUtf8(file, 64 * 1024, "master key file"),
                    "master key file " + file));
        }
        String env = System.getenv(MASTER_KEY_ENV);
        return env == null || env.isBlank() ? Optional.empty()
                : Optional.of(ModelSigningKey.masterKey(env, "environment variable " + MASTER_KEY_ENV));
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Create an Ed25519 key pair (Tink keysets) for signing model files.",
                    "The private key is encrypted with the master key (--master-key FILE or the environment variable",
                    "BOTSEC_MASTER_KEY, a Tink JSON AES-256-GCM keyset); without one it is written unencrypted,",
                    "readable by its owner only, with a warning. Keep it outside the repository; the key is never printed."},
            footer = {"", "Example:", "  botsec models keygen --out model-signing.key.json   # also writes model-signing.pub.json"})
    public static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "KEY.json", description = "Private keyset to create (refused if it exists).")
        Path out;

        @Option(names = "--public-out", paramLabel = "PUB.json", description = "Public keyset. Default: KEY.json with .key.json or .json replaced by .pub.json.")
        Path publicOut;

        @Option(names = "--master-key", paramLabel = "FILE", description = "Tink JSON AEAD keyset that encrypts the private key (default: BOTSEC_MASTER_KEY).")
        Path masterKey;

        @Option(names = "--json", description = "Print one JSON document: {\"private_key\", \"public_key\", \"key_id\", \"encrypted\"}.")
        boolean json;

        /** The JSON document of {@code botsec models keygen}. */
        public record Result(String privateKey, String publicKey, long keyId, boolean encrypted) {
        }

        @Override
        public Integer call() {
            Path pub = publicOut != null ? publicOut : defaultPublic(out);
            if (Files.exists(out)) {
                throw BadInputException.of("--out %s already exists; a new key would replace it (choose another path "
                        + "or delete the old key first)", out);
            }
            SafeFiles.checkOutputFile(out, "--out");
            SafeFiles.checkOutputFile(pub, "--public-out");
            Optional<Aead> master = masterKey(masterKey);
            ModelSigningKey key = ModelSigningKey.generate();
            key.writePrivate(out, master);
            key.writePublic(pub);
            Result r = new Result(out.toString(), pub.toString(), key.keyId(), master.isPresent());
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                Json.print(w, r);
            } else {
                w.printf("private key %s (%s; keep it secret, outside the repository)%n", out,
                        master.isPresent() ? "encrypted with the master key" : "unencrypted, owner-only");
                w.printf("public key  %s (give it to whoever verifies your models)%nkey id %d%n", pub, key.keyId());
                w.flush();
            }
            if (master.isEmpty()) {
                spec.commandLine().getErr().printf("warning: private key %s is stored unencrypted; set %s or "
                        + "--master-key FILE to encrypt it%n", out, MASTER_KEY_ENV);
                spec.commandLine().getErr().flush();
            }
            return ExitCode.OK;
        }

        static Path defaultPublic(Path key) {
            String n = key.getFileName().toString();
            String base = n.endsWith(".key.json") ? n.substring(0, n.length() - 9)
                    : n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
            return key.resolveSibling(base + ".pub.json");
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Sign a model file with an Ed25519 private key: writes MODEL.sig beside it (the model itself is",
                    "not changed). For a BotSec model the signature covers the header (description, provenance, tensor hashes)",
                    "and every tensor's bytes; for an ONNX model or an endpoint mapping, every byte of the file."},
            footer = {"", "Example:", "  botsec models sign --model bc.safetensors --key model-signing.key.json"})
    public static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model file.")
        Path model;

        @Option(names = "--key", required = true, paramLabel = "KEY.json", description = "Private keyset from 'botsec models keygen'.")
        Path key;

        @Option(names = "--master-key", paramLabel = "FILE", description = "Master key, if the private key is encrypted (default: BOTSEC_MASTER_KEY).")
        Path masterKey;

        @Option(names = "--json", description = "Print one JSON document: {\"model\", \"signature_file\", \"key_id\", \"covers\", "
                + "\"header_sha256\", \"tensors\", \"file_sha256\"} (covers: header_and_tensors, or whole_file with file_sha256).")
        boolean json;

        /**
         * The JSON document of {@code botsec models sign}: {@code headerSha256} and {@code tensors} for a BotSec model,
         * {@code fileSha256} for a whole-file signature (the others null).
         */
        public record Result(String model, String signatureFile, long keyId, String covers, String headerSha256,
                Integer tensors, String fileSha256) {
        }

        @Override
        public Integer call() {
            SafeFiles.checkOutputFile(ModelSignatures.signatureFile(model), "signature file");
            ModelSigningKey k = ModelSigningKey.load(key, masterKey(masterKey));
            ModelSignatures.Signature s = ModelSignatures.sign(model, k);
            PrintWriter w = spec.commandLine().getOut();
            boolean whole = s.coverage() == ModelSignatures.Coverage.WHOLE_FILE;
            if (json) {
                Json.print(w, new Result(model.toString(), s.signatureFile().toString(), s.keyId(),
                        s.coverage().name().toLowerCase(java.util.Locale.ROOT), whole ? null : s.sha256(),
                        whole ? null : s.tensors(), whole ? s.sha256() : null));
            } else {
                w.printf("signed %s (key id %d, %s)%nsignature %s%n", model, s.keyId(),
                        whole ? "every byte of the file" : "header and " + s.tensors() + " tensors", s.signatureFile());
                w.flush();
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a model file against its signature MODEL.sig with a trusted public key.",
                    "Exit 0 when valid; 3 when the model changed, the signature is missing, altered or from another key;",
                    "2 when a file cannot be read."},
            footer = {"", "Example:", "  botsec models verify --model bc.safetensors --public-key model-signing.pub.json"})
    public static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model file.")
        Path model;

        @Option(names = "--public-key", required = true, paramLabel = "PUB.json", description = "Trusted public keyset (not one shipped beside the model).")
        Path publicKey;

        @Option(names = "--json", description = "Print one JSON document: {\"valid\", \"model\", \"signature_file\", \"key_id\", \"problem\"}.")
        boolean json;

        /** The JSON document of {@code botsec models verify}. */
        public record Result(boolean valid, String model, String signatureFile, Long keyId, String problem) {
        }

        @Override
        public Integer call() {
            ModelSignatures.Verification v = ModelSignatures.verify(model, publicKey);
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                Json.print(w, new Result(v.valid(), model.toString(), v.signatureFile().toString(), v.keyId().orElse(null),
                        v.problem().orElse(null)));
            } else if (v.valid()) {
                w.printf("signature valid: %s signed by key id %d (%s)%n", model, v.keyId().orElseThrow(), v.signatureFile());
            }
            w.flush();
            if (!v.valid()) {
                spec.commandLine().getErr().println("botsec: " + v.problem().get());
                spec.commandLine().getErr().flush();
                return ExitCode.THRESHOLD_FAILED;
            }
            return ExitCode.OK;
        }
    }
}
