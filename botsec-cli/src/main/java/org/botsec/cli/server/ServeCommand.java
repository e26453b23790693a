package org.botsec.cli.server;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.botsec.cli.ExitCode;
import org.botsec.core.BadInputException;
import org.botsec.guard.GuardPipeline;
import org.botsec.cli.guard.DefaultGuard;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.audit.AuditLog;
import org.botsec.guard.audit.AuditSigningKey;
import org.botsec.guard.audit.WitnessFile;
import org.botsec.server.ApiKeys;
import org.botsec.server.GatewayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code botsec serve}: runs the HTTP guard gateway until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the HTTP guard gateway: /v1/guard/input, /v1/guard/output, an OpenAI-compatible",
                "/v1/chat/completions proxy, /health and /metrics. Stops on Ctrl-C.",
                "The upstream's API key, if it needs one, is read from the environment variable BOTSEC_UPSTREAM_API_KEY."},
        footer = {"", "Examples:",
                "  botsec serve --port 8080",
                "  botsec serve --port 8080 --upstream http://127.0.0.1:8000/v1 --policy policy.yaml \\",
                "      --audit-log gateway.jsonl",
                "  botsec serve --port 8080 --api-keys keys.txt --model cancer=cancer.safetensors",
                "  botsec serve --port 8080 --model cancer=cancer.safetensors --require-signature model-signing.pub.json"})
public final class ServeCommand implements Callable<Integer> {
    /** Environment variable holding the key sent to the upstream. */
    public static final String UPSTREAM_KEY_ENV = "BOTSEC_UPSTREAM_API_KEY";

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "FILE", description = "Guard policy (YAML or JSON). Default: the built-in policy (PII redacted, injections blocked).")
    Path policy;

    @Option(names = "--injection-detector", paramLabel = "ngram|semantic", defaultValue = "ngram", description = DefaultGuard.HELP)
    DefaultGuard.InjectionDetector injectionDetector;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "Port (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--upstream", paramLabel = "URL", description = "OpenAI-compatible base URL, e.g. http://127.0.0.1:9000/v1 (requests go to URL/chat/completions).")
    URI upstream;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain; with --tls-key serves HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key (unencrypted).")
    Path tlsKey;

    @Option(names = "--api-keys", paramLabel = "FILE", description = "Client keys file: one name:sha256hex line per client. Without it no key is required.")
    Path apiKeys;

    @Option(names = "--audit-log", paramLabel = "FILE", description = "Append every verdict to this tamper-evident log (signing key FILE.key.json, public key FILE.pub.json unless --audit-key).")
    Path auditLog;

    @Option(names = "--audit-key", paramLabel = "FILE", description = "Ed25519 signing keyset for the audit log (created if missing).")
    Path auditKey;

    @Option(names = "--audit-witness", paramLabel = "FILE", description = "Append each signed checkpoint of the audit log to this witness file "
            + "(keep it on another disk or host, or an append-only store); audit-log verify --witness FILE then detects truncation.")
    Path auditWitness;

    @Option(names = "--master-key", paramLabel = "FILE", description = "Tink JSON AES-256-GCM keyset that encrypts the audit signing key "
            + "(default: environment variable BOTSEC_MASTER_KEY; without either the key file is cleartext, with a warning).")
    Path masterKey;

    @Option(names = "--model", paramLabel = "NAME=MODEL", description = "Serve MODEL (a BotSec, ONNX or endpoint model file) at POST /v1/models/NAME/predict; repeatable.")
    java.util.Map<String, Path> models = new java.util.LinkedHashMap<>();

    @Option(names = "--require-signature", paramLabel = "PUB.json",
            description = "Load a --model only with a valid Ed25519 signature (MODEL.sig, from 'botsec models sign') by this "
                    + "public key; otherwise print one line and exit 3 before anything is served.")
    Path requireSignature;

    @Option(names = "--stream-hold-back", paramLabel = "CHARS", defaultValue = "128",
            description = "Characters of each streamed text field held back until the text after them is scanned (a value up to this long "
                    + "is caught whole however the upstream splits it; the client sees streamed text this far behind). Default: ${DEFAULT-VALUE}.")
    int streamHoldBack;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "1048576", description = "Largest request body. Default: ${DEFAULT-VALUE}.")
    int maxBodyBytes;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw BadInputException.of("--tls-cert and --tls-key go together, got only %s", tlsCert != null ? "--tls-cert" : "--tls-key");
        }
        if (auditKey != null && auditLog == null) {
            throw BadInputException.of("--audit-key needs --audit-log, got --audit-key %s alone", auditKey);
        }
        if (auditWitness != null && auditLog == null) {
            throw BadInputException.of("--audit-witness needs --audit-log, got --audit-witness %s alone", auditWitness);
        }
        if (requireSignature != null && models.isEmpty()) {
            throw BadInputException.of("--require-signature needs --model NAME=MODEL (it checks the models served), "
                    + "got --require-signature %s alone", requireSignature);
        }
        if (masterKey != null && auditLog == null) {
            throw BadInputException.of("--master-key needs --audit-log, got --master-key %s alone", masterKey);
        }
        // every model is loaded (and, with --require-signature, verified) before anything else: an unsigned model
        // stops the start-up before a port is opened
        java.util.Map<String, org.botsec.core.model.Classifier> served = ServedModels.load(models,
                java.util.Optional.ofNullable(requireSignature));
        GuardPipeline guard = DefaultGuard.pipeline(policy, injectionDetector);
        GatewayServer.Builder b = GatewayServer.builder().guard(guard).host(host).port(port).maxBodyBytes(maxBodyBytes)
                .streamHoldBack(streamHoldBack);
        served.forEach(b::model);
        if (upstream != null) {
            b.upstream(upstream).upstreamApiKey(System.getenv(UPSTREAM_KEY_ENV));
        }
        if (tlsCert != null) {
            b.tls(tlsCert, tlsKey);
        }
        if (apiKeys != null) {
            b.apiKeys(ApiKeys.load(apiKeys));
        }
        guard.rateLimit().ifPresent(settings -> b.rateLimiter(new RateLimiter(settings)));
        AuditLog audit = null;
        PrintWriter out = spec.commandLine().getOut();
        if (auditLog != null) {
            AuditSigningKey key = AuditKeys.load(auditLog, auditKey, masterKey, spec.commandLine().getErr());
            Path pub = Path.of(auditLog + ".pub.json");
            audit = auditWitness == null ? AuditLog.open(auditLog, key) : AuditLog.open(auditLog, key, WitnessFile.at(auditWitness));
            b.auditLog(audit);
            out.printf("audit log %s (public key %s; keep a copy of it elsewhere)%n", auditLog, pub);
        }
        GatewayServer gw = b.build();
        AuditLog auditToClose = audit;
        Thread hook = new Thread(() -> shutdown(gw, auditToClose), "botsec-serve-shutdown");
        boolean interrupted = false;
        try {
            gw.start();
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("botsec gateway listening on %s (policy: %s, upstream: %s, api keys: %s)%n", gw.baseUri(),
                    policy == null ? "built-in default" : policy, upstream == null ? "none" : upstream,
                    apiKeys == null ? "not required" : apiKeys);
            out.flush();
            gw.join();
        } catch (InterruptedException e) {
            interrupted = true; // stop cleanly first (Jetty's stop waits), then restore the flag
        } finally {
            shutdown(gw, auditToClose);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException ignored) {
                // already shutting down, or the hook was never added
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCode.OK;
    }

    private static synchronized void shutdown(GatewayServer gw, AuditLog audit) {
        gw.close();
        if (audit != null) {
            audit.close();
        }
    }
}
