package org.botsec.flower.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.botsec.flower.FlowerNodeKey;

/**
 * Adds Flower's node-auth metadata to every call: {@code flwr-public-key-bin} (PEM public key),
 * {@code flwr-timestamp} (ISO-8601 with microseconds and a {@code +00:00} offset, as Python's
 * {@code datetime.isoformat()} writes it) and {@code flwr-signature-bin} (ECDSA-SHA256, DER, over the timestamp's
 * ASCII bytes). The SuperLink requires it on every Fleet call, with or without TLS.
 */
public final class NodeAuthInterceptor implements ClientInterceptor {
    public static final Metadata.Key<byte[]> PUBLIC_KEY =
            Metadata.Key.of("flwr-public-key-bin", Metadata.BINARY_BYTE_MARSHALLER);
    public static final Metadata.Key<String> TIMESTAMP =
            Metadata.Key.of("flwr-timestamp", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<byte[]> SIGNATURE =
            Metadata.Key.of("flwr-signature-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** Python's isoformat() for an aware UTC datetime with microseconds. */
    public static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private final FlowerNodeKey key;
    private final byte[] publicKeyPem;
    private final Clock clock;

    public NodeAuthInterceptor(FlowerNodeKey key, Clock clock) {
        this.key = key;
        this.publicKeyPem = key.publicKeyPem();
        this.clock = clock;
    }

    /** The timestamp string for now. */
    public String timestamp() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).format(FORMAT);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                String ts = timestamp();
                headers.put(PUBLIC_KEY, publicKeyPem);
                headers.put(TIMESTAMP, ts);
                headers.put(SIGNATURE, key.sign(ts.getBytes(StandardCharsets.US_ASCII)));
                super.start(listener, headers);
            }
        };
    }
}
