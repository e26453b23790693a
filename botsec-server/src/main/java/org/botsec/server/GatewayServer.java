package org.botsec.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import org.botsec.core.BadInputException;
import org.botsec.guard.Guard;
import org.botsec.guard.RateLimiter;
import org.botsec.guard.audit.AuditLog;
import org.botsec.server.internal.GatewayHandler;
import org.botsec.server.internal.Metrics;
import org.botsec.server.internal.Pem;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The BotSec HTTP gateway on Jetty 12. Build, {@link #start()}, and {@link #close()} when done:
 *
 * <pre>{@code
 * try (GatewayServer gw = GatewayServer.builder().guard(guard).port(8080).upstream(URI.create("http://127.0.0.1:9000/v1")).build()) {
 *     gw.start();
 *     gw.join();
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code GET /health}, {@code GET /metrics} (Prometheus text; needs an API key when keys are
 * configured, the same keys as the other endpoints, without a rate limit), {@code POST /v1/guard/input} and
 * {@code /v1/guard/output} ({@code {"text": ...}} → verdict JSON like {@code botsec guard scan}), and
 * {@code POST /v1/chat/completions}, an OpenAI-compatible proxy: user and tool messages are scanned (a block
 * gives a refusal in OpenAI's shape with {@code finish_reason: "content_filter"}, a redaction rewrites the
 * message), the request is forwarded to {@code upstream + "/chat/completions"}, and every text field of each
 * answer choice (content, refusal, tool-call names and arguments, other text fields) is scanned the same way.
 * The answer the client gets is rebuilt from the scanned fields and identifier-like metadata only; what cannot
 * be scanned (logprobs, audio, unknown objects) is not relayed. With {@code "stream": true} the upstream event
 * stream is scanned as it arrives: each text field through a sliding window that holds back the last
 * {@link Builder#streamHoldBack} characters until the text after them is scanned, so a value split across
 * events is caught before any of it is sent; tool calls are held whole until their choice ends. The client
 * gets a new stream built from the scanned text only (an event that does not parse fails the answer).
 *
 * <p><b>Security guarantees.</b> Defaults bind to 127.0.0.1. Request bodies are capped ({@link Builder#maxBodyBytes}),
 * must be {@code application/json} in strict UTF-8 with JSON nesting at most 64; every violation is a 4xx
 * with a one-line JSON error, never a stack trace, and never echoes the user's text. With API keys, every
 * guard and chat request needs {@code Authorization: Bearer <key>}, checked in constant time against stored
 * SHA-256 hashes ({@link ApiKeys}); rate limits apply per key (per remote address without keys). TLS (when
 * given a PEM certificate and PKCS#8 key) uses Jetty's defaults, which exclude SSLv3, TLS 1.0/1.1 and weak
 * cipher suites. The gateway does not log message text. Thread-safe; one instance serves all requests.
 */
public final class GatewayServer implements AutoCloseable {
    /** Default hold-back of streamed text fields, in characters ({@link Builder#streamHoldBack}). */
    public static final int DEFAULT_STREAM_HOLD_BACK = 128;
    /** Default context of each streamed window scan, in characters ({@link Builder#streamContext}). */
    public static final int DEFAULT_STREAM_CONTEXT = 128;
    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    private final String host;

    private GatewayServer(Builder b) {
        QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, Math.min(8, b.maxThreads));
        pool.setName("botsec-gw");
        this.server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        this.tls = b.tlsCert != null;
        if (tls) {
            char[] password = randomPassword();
            KeyStore ks = Pem.keyStore(b.tlsCert, b.tlsKey, password);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(new String(password));
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false); // clients reach us by IP on loopback; certificate checks stay with the client
            http.addCustomizer(src);
            this.connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        Metrics metrics = new Metrics();
        server.setHandler(new org.botsec.server.internal.ModelRoutes(b.models, b.apiKeys, b.limiter, b.maxBodyBytes,
                new GatewayHandler(new GatewayHandler.Settings(b.guard, b.apiKeys, b.limiter, b.auditLog,
                b.upstream, b.upstreamApiKey, b.maxBodyBytes, b.upstreamTimeout, b.streamHoldBack, b.streamContext),
                metrics)));
        server.setStopTimeout(b.shutdownGrace.toMillis());
        this.host = b.host;
    }

    private static char[] randomPassword() {
        byte[] r = new byte[24];
        new SecureRandom().nextBytes(r);
        return Base64.getEncoder().encodeToString(r).toCharArray();
    }

    /** A builder; only {@link Builder#guard} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening; returns once the port is bound. */
    public GatewayServer start() {
        try {
            server.start();
        } catch (java.io.IOException e) {
            throw BadInputException.of("cannot listen on %s:%d: %s", host, connector.getPort(), e.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the gateway: " + e.getMessage(), e);
        }
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create((tls ? "https" : "http") + "://" + h + ":" + port());
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the gateway: " + e.getMessage(), e);
        }
    }

    /** Settings of a gateway; each setter validates its argument. */
    public static final class Builder {
        private Guard guard;
        private String host = "127.0.0.1";
        private int port = 8080;
        private URI upstream;
        private String upstreamApiKey;
        private Path tlsCert;
        private Path tlsKey;
        private ApiKeys apiKeys;
        private RateLimiter limiter;
        private AuditLog auditLog;
        private int maxBodyBytes = 1 << 20;
        private int maxThreads = 64;
        private Duration upstreamTimeout = Duration.ofSeconds(60);
        private Duration shutdownGrace = Duration.ofSeconds(2);
        private final java.util.Map<String, org.botsec.core.model.Classifier> models = new java.util.TreeMap<>();
        private int streamHoldBack = DEFAULT_STREAM_HOLD_BACK;
        private int streamContext = DEFAULT_STREAM_CONTEXT;

        private Builder() {
        }

        /** The guard that scans every message (required). */
        public Builder guard(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /** Address to bind; default 127.0.0.1. */
        public Builder host(String host) {
            try {
                InetAddress.getByName(Objects.requireNonNull(host, "host"));
            } catch (UnknownHostException e) {
                throw BadInputException.of("host must be an IP address or resolvable name, got %s", host);
            }
            this.host = host;
            return this;
        }

        /** Port; 0 picks a free one. Default 8080. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw BadInputException.of("port must be in 0..65535, got %d", port);
            }
            this.port = port;
            return this;
        }

        /**
         * The OpenAI-compatible base URL, e.g. {@code https://api.openai.com/v1}; requests go to
         * {@code upstream + "/chat/completions"} (unless it already ends with that).
         */
        public Builder upstream(URI upstream) {
            Objects.requireNonNull(upstream, "upstream");
            String scheme = upstream.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || upstream.getHost() == null) {
                throw BadInputException.of("upstream must be an http(s) URL with a host, got %s", upstream);
            }
            String u = upstream.toString();
            this.upstream = u.endsWith("/chat/completions") ? upstream
                    : URI.create((u.endsWith("/") ? u.substring(0, u.length() - 1) : u) + "/chat/completions");
            return this;
        }

        /** Bearer key sent to the upstream (e.g. from an environment variable); never logged. */
        public Builder upstreamApiKey(String key) {
            this.upstreamApiKey = key == null || key.isBlank() ? null : key;
            return this;
        }

        /** Serve HTTPS with a PEM certificate chain and an unencrypted PEM PKCS#8 private key. */
        public Builder tls(Path certPem, Path keyPem) {
            this.tlsCert = Objects.requireNonNull(certPem, "certPem");
            this.tlsKey = Objects.requireNonNull(keyPem, "keyPem");
            return this;
        }

        /** Require one of these client API keys; default: none required. */
        public Builder apiKeys(ApiKeys keys) {
            this.apiKeys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** Per-client token buckets (per API key, or per remote address without keys); default unlimited. */
        public Builder rateLimiter(RateLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        /** Append every verdict to this audit log (the caller closes it after the server). */
        public Builder auditLog(AuditLog log) {
            this.auditLog = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Largest accepted request body; default 1 MiB. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 64 || bytes > 64 << 20) {
                throw BadInputException.of("maxBodyBytes must be in 64..%d, got %d", 64 << 20, bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Worker threads; default 64. */
        public Builder maxThreads(int threads) {
            if (threads < 4 || threads > 4096) {
                throw BadInputException.of("maxThreads must be in 4..4096, got %d", threads);
            }
            this.maxThreads = threads;
            return this;
        }

        /**
         * How long to wait for the upstream's status and headers, and the longest silence allowed while its body
         * (or stream) arrives; default 60 s. A stalled upstream gives a 502, or ends a stream already started.
         */
        public Builder upstreamTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw BadInputException.of("upstreamTimeout must be positive, got %s", timeout);
            }
            this.upstreamTimeout = timeout;
            return this;
        }

        /**
         * How long {@link #close()} lets requests in flight finish; default 2 s. Jetty's graceful stop takes
         * about a second even when idle, so tests use zero.
         */
        public Builder shutdownGrace(Duration grace) {
            if (grace == null || grace.isNegative() || grace.compareTo(Duration.ofMinutes(5)) > 0) {
                throw BadInputException.of("shutdownGrace must be in 0..5 min, got %s", grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /** Serves {@code model} at {@code POST /v1/models/{name}/predict} (API keys and rate limits apply). */
        public Builder model(String name, org.botsec.core.model.Classifier model) {
            if (!org.botsec.server.internal.ModelRoutes.validName(Objects.requireNonNull(name, "name"))) {
                throw BadInputException.of("model name must be 1-64 letters, digits, '.', '_' or '-', got %s", name);
            }
            if (models.putIfAbsent(name, Objects.requireNonNull(model, "model")) != null) {
                throw new IllegalStateException("model " + name + " was already added");
            }
            return this;
        }

        /**
         * Characters of each streamed text field held back until the text after them has been scanned; a value
         * (e-mail address, card number, key) of at most this many characters is caught whole however the
         * upstream splits it. Default {@value #DEFAULT_STREAM_HOLD_BACK}; the client sees streamed text this
         * many characters behind the upstream.
         */
        public Builder streamHoldBack(int chars) {
            if (chars < 16 || chars > 65536) {
                throw BadInputException.of("streamHoldBack must be in 16..65536 characters, got %d", chars);
            }
            this.streamHoldBack = chars;
            return this;
        }

        /**
         * Characters already sent that each streamed window scan sees before the new text (context for
         * detectors that need it, e.g. "Name:" before a name). Default {@value #DEFAULT_STREAM_CONTEXT}.
         */
        public Builder streamContext(int chars) {
            if (chars < 0 || chars > 65536) {
                throw BadInputException.of("streamContext must be in 0..65536 characters, got %d", chars);
            }
            this.streamContext = chars;
            return this;
        }

        public GatewayServer build() {
            if (guard == null) {
                throw new IllegalStateException("guard is required");
            }
            return new GatewayServer(this);
        }
    }
}
