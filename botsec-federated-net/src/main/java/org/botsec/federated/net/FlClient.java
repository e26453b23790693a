package org.botsec.federated.net;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import java.security.SecureRandom;
import org.botsec.federated.ClientUpdate;
import org.botsec.federated.DpFedAvgCoordinator;
import org.botsec.federated.internal.LocalTrainer;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.net.internal.SecAggClientRound;
import org.botsec.federated.net.proto.SecAggTask;
import org.botsec.federated.net.proto.SecAggUpload;
import org.botsec.federated.internal.Models;
import org.botsec.federated.net.internal.FlProtocol;
import org.botsec.federated.net.internal.Pem;
import org.botsec.federated.net.proto.JoinReply;
import org.botsec.federated.net.proto.JoinRequest;
import org.botsec.federated.net.proto.Task;
import org.botsec.federated.net.proto.TaskRequest;
import org.botsec.federated.net.proto.TrainConfig;
import org.botsec.federated.net.proto.Update;
import org.botsec.federated.net.proto.UpdateReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data holder of a networked federation ({@code botsec fl client}): joins the coordinator over mutual TLS, and
 * for every round it is asked to train in, trains the global model on its own rows with local minibatch SGD
 * (McMahan et al. 2017; FedProx's proximal term when the coordinator asks, Li et al. 2020) and sends the delta.
 * Its rows never leave the process.
 *
 * <p>When the coordinator is unreachable (restarting) the client retries for {@code reconnectTimeout}, then joins
 * again, asking for the slot it had. A refused certificate (unknown CA, expired, revoked) ends the client with one
 * line; it is not retried.
 *
 * <p>Security guarantees: the coordinator's certificate must chain to the CA and name the host dialled; the client
 * accepts at most {@code maxMessageBytes} per message and checks that the model and every global vector have the
 * shape its data needs before training.
 */
public final class FlClient {
    private static final Logger LOG = LoggerFactory.getLogger(FlClient.class);

    /** What a client did. */
    public record Result(int slot, int roundsTrained, int updatesRefused, String endReason) {
    }

    private final Builder b;
    /** Set once this client has trained the run's last round: a coordinator that then goes away is done. */
    private volatile boolean lastRoundDone;

    private FlClient(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Joins, trains until the coordinator says training is over, and returns what happened. */
    public Result run() {
        ManagedChannel channel = NettyChannelBuilder.forAddress(b.host, b.port)
                .sslContext(sslContext())
                .maxInboundMessageSize(b.maxMessageBytes)
                .maxInboundMetadataSize(16 << 10)
                .build();
        try {
            return loop(channel);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private SslContext sslContext() {
        b.tls.checked();
        Pem.readCertificates(b.tls.ca(), "CA certificate");
        Pem.readPrivateKey(b.tls.privateKey(), "client key");
        try {
            return GrpcSslContexts.forClient()
                    .keyManager(b.tls.certificate().toFile(), b.tls.privateKey().toFile())
                    .trustManager(b.tls.ca().toFile())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw BadInputException.of("cannot use client certificate %s and key %s: %s", b.tls.certificate(),
                    b.tls.privateKey(), e.getMessage());
        }
    }

    private Result loop(ManagedChannel channel) {
        int requested = b.slot.isPresent() ? b.slot.getAsInt() + 1 : 0;
        JoinReply joined = join(channel, requested);
        int slot = joined.getSlot();
        Model model = readModel(joined.getModelFile().toByteArray());
        int numParams = ((PerExampleGradients) model).numParameters();
        LocalTrainer trainer = new LocalTrainer((PerExampleGradients) Models.copy(model, null));
        int[] rows = new int[b.data.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        double[] delta = new double[numParams];
        int trained = 0;
        int refused = 0;
        int lastRound = 0;
        LOG.info("joined {}:{} as slot {} with {} examples", b.host, b.port, slot, rows.length);
        while (true) {
            Task task;
            try {
                task = call(channel, FlProtocol.GET_TASK, TaskRequest.newBuilder().setLastRound(lastRound).build(),
                        b.rpcTimeout.plusSeconds(30));
            } catch (Reconnect r) {
                if (lastRound >= joined.getRounds()) {
                    return new Result(slot, trained, refused, "the coordinator went away after the last round");
                }
                slot = join(channel, slot + 1).getSlot();
                continue;
            }
            if (task.getKind() == Task.Kind.DONE) {
                LOG.info("coordinator: {}", task.getReason());
                return new Result(slot, trained, refused, task.getReason());
            }
            if (task.getKind() == Task.Kind.SECAGG) {
                SecAggTask.Stage stage = task.getSecagg().getStage();
                if (b.dropAtStage.isPresent() && b.dropAtStage.get() == stage) {
                    return new Result(slot, trained, refused, "stopped at secure-aggregation stage " + stage
                            + " (dropout)");
                }
                try {
                    SecAggUpload.Builder up = SecAggUpload.newBuilder().setRound(task.getRound()).setStage(stage);
                    switch (stage) {
                        case ADVERTISE_KEYS -> {
                            secAgg = new SecAggClientRound(task.getRound(), slot, secure);
                            up.setKeys(secAgg.keys());
                        }
                        case SHARE_KEYS -> up.addAllShares(secAggFor(task).shareKeys(task.getSecagg()));
                        case MASKED_INPUT -> {
                            SecAggClientRound sa = secAggFor(task);
                            double[] sent = trainOn(task, trainer, rows, numParams, delta);
                            lastRound = task.getRound();
                            lastRoundDone = lastRound >= joined.getRounds();
                            trained++;
                            long[] encoded = encode(sent, rows.length, task.getSecagg(), slot);
                            up.addAllMasked(java.util.Arrays.stream(sa.mask(encoded, task.getSecagg())).boxed()
                                    .toList());
                        }
                        case UNMASK -> {
                            up.addAllRevealed(secAggFor(task).unmask(task.getSecagg()));
                            secAgg = null;
                        }
                        default -> throw BadInputException.of("secure aggregation: unknown stage %s", stage);
                    }
                    UpdateReply reply = call(channel, FlProtocol.SUBMIT_SECAGG, up.build(), b.rpcTimeout);
                    if (!reply.getAccepted()) {
                        refused++;
                        LOG.warn("round {}: the coordinator refused this client's {} answer: {}", task.getRound(),
                                stage, reply.getReason());
                    }
                } catch (BadInputException e) {
                    // a stage this client cannot (or must not) answer: it stays silent and counts as a dropout
                    LOG.warn("round {}: {}", task.getRound(), e.getMessage());
                } catch (Reconnect r) {
                    refused++;
                    secAgg = null;
                    slot = join(channel, slot + 1).getSlot();
                }
                continue;
            }
            if (task.getKind() != Task.Kind.TRAIN) {
                continue;
            }
            double[] sent = trainOn(task, trainer, rows, numParams, delta);
            Update.Builder ub = Update.newBuilder().setRound(task.getRound()).setNumExamples(rows.length);
            for (double v : sent) {
                ub.addDelta(v);
            }
            lastRound = task.getRound();
            lastRoundDone = lastRound >= joined.getRounds();
            trained++;
            try {
                UpdateReply reply = call(channel, FlProtocol.SUBMIT_UPDATE, ub.build(), b.rpcTimeout);
                if (!reply.getAccepted()) {
                    refused++;
                    LOG.warn("round {}: the coordinator refused this update: {}", task.getRound(), reply.getReason());
                }
            } catch (Reconnect r) {
                refused++;
                slot = join(channel, slot + 1).getSlot();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                    throw e;
                }
                refused++;
                LOG.warn("round {}: the coordinator refused this update: {}", task.getRound(),
                        e.getStatus().getDescription());
            }
            if (b.dropAfterRounds.isPresent() && trained >= b.dropAfterRounds.getAsInt()) {
                return new Result(slot, trained, refused, "stopped after " + trained + " round(s) (dropout)");
            }
        }
    }

    private SecAggClientRound secAgg;
    private final SecureRandom secure = new SecureRandom();

    private SecAggClientRound secAggFor(Task task) {
        if (secAgg == null || secAgg.round() != task.getRound()) {
            throw BadInputException.of("secure aggregation: stage %s of round %d without this client's keys of that "
                    + "round", task.getSecagg().getStage(), task.getRound());
        }
        return secAgg;
    }

    /** Trains on the task's global model; returns what this client sends (the delta, or a test's tampered copy). */
    private double[] trainOn(Task task, LocalTrainer trainer, int[] rows, int numParams, double[] delta) {
        if (task.getGlobalCount() != numParams) {
            throw BadInputException.of("round %d: the coordinator sent %d parameters, the model has %d",
                    task.getRound(), task.getGlobalCount(), numParams);
        }
        double[] global = new double[numParams];
        for (int j = 0; j < numParams; j++) {
            global[j] = task.getGlobal(j);
        }
        TrainConfig c = task.getConfig();
        checkConfig(c);
        trainer.train(b.data, rows, global, c.getLocalEpochs(), c.getBatchSize(), c.getLearningRate(),
                c.getProximalMu(), new SplittableRandom(c.getShuffleSeed()), delta);
        return b.tamper.map(t -> t.apply(delta.clone())).orElse(delta);
    }

    /**
     * The fixed-point vector this client adds under secure aggregation (as botsec-federated's simulation encodes it):
     * weight·delta, the weight and the unclipped bit, each round(v·2^f) in Z/2^64. FedAvg's weight is the example
     * count; with DP-FedAvg (a clipping norm in the task) the client clips its delta itself — the coordinator cannot
     * see it — and sends weight 1.
     *
     * @throws BadInputException when a value is NaN/Inf or beyond the round's fixed-point range (no input is sent)
     */
    private long[] encode(double[] delta, int numExamples, SecAggTask t, int slot) {
        int n = delta.length;
        int f = t.getFractionalBits();
        double bound = t.getEncodableBound();
        if (f < 8 || f > 48 || !(bound > 0)) {
            throw BadInputException.of("secure aggregation: invalid fixed point from the coordinator (%d bits, bound %s)",
                    f, bound);
        }
        double clip = t.getL2NormClip();
        double w = clip > 0 ? 1 : numExamples;
        double k = clip > 0 ? DpFedAvgCoordinator.clipFactor(delta, clip) : w;
        long[] out = new long[n + 2];
        for (int j = 0; j < n; j++) {
            double v = k * delta[j];
            if (!(Math.abs(v) <= bound)) {
                throw BadInputException.of("secure aggregation: an update value is NaN, infinite or beyond the "
                        + "fixed-point range +-%s: not sent", bound);
            }
            out[j] = SecAggRound.encode(v, f);
        }
        if (w > bound) {
            throw BadInputException.of("secure aggregation: the weight %s is beyond the fixed-point range", w);
        }
        out[n] = SecAggRound.encode(w, f);
        out[n + 1] = SecAggRound.encode(clip > 0 && k == 1.0 ? 1 : 0, f);
        b.secAggInput.ifPresent(l -> l.accept(new ClientUpdate(slot, delta, numExamples)));
        return out;
    }

    private static void checkConfig(TrainConfig c) {
        if (c.getLocalEpochs() < 1 || c.getLocalEpochs() > 1000 || c.getBatchSize() < 1
                || !(c.getLearningRate() > 0 && Double.isFinite(c.getLearningRate()))
                || !(c.getProximalMu() >= 0 && Double.isFinite(c.getProximalMu()))) {
            throw BadInputException.of("the coordinator sent an invalid training configuration: epochs %d, batch "
                            + "size %d, learning rate %s, proximal mu %s", c.getLocalEpochs(), c.getBatchSize(),
                    c.getLearningRate(), c.getProximalMu());
        }
    }

    private JoinReply join(ManagedChannel channel, int requestedSlot) {
        JoinRequest req = JoinRequest.newBuilder().setNumExamples(b.data.size()).setRequestedSlot(requestedSlot)
                .setProtocolVersion(FlProtocol.VERSION).build();
        long deadline = System.nanoTime() + b.reconnectTimeout.toNanos();
        while (true) {
            try {
                return call(channel, FlProtocol.JOIN, req, b.rpcTimeout);
            } catch (Reconnect r) {
                if (System.nanoTime() > deadline) {
                    throw BadInputException.of("cannot reach the coordinator at %s:%d within %d s: %s", b.host, b.port,
                            b.reconnectTimeout.toSeconds(), r.getMessage());
                }
                sleep(500);
            } catch (StatusRuntimeException e) {
                throw BadInputException.of("the coordinator refused to let this client join: %s %s",
                        e.getStatus().getCode(), e.getStatus().getDescription());
            }
        }
    }

    /** The coordinator is unreachable or forgot this client (restarted): join again. */
    private static final class Reconnect extends Exception {
        Reconnect(String message) {
            super(message, null, false, false);
        }
    }

    private <Q, R> R call(ManagedChannel channel, MethodDescriptor<Q, R> method, Q req, Duration timeout)
            throws Reconnect {
        long deadline = System.nanoTime() + b.reconnectTimeout.toNanos();
        while (true) {
            try {
                return ClientCalls.blockingUnaryCall(channel, method,
                        CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), req);
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (tlsRefused(e)) {
                    throw BadInputException.of("TLS with the coordinator at %s:%d failed (certificate unknown to its CA, "
                            + "expired or revoked, or the coordinator's certificate does not match): %s", b.host,
                            b.port, rootMessage(e));
                }
                if (code == Status.Code.FAILED_PRECONDITION && method != FlProtocol.JOIN) {
                    throw new Reconnect("the coordinator does not know this client (restarted?)");
                }
                if (code == Status.Code.CANCELLED || code == Status.Code.ABORTED) {
                    code = Status.Code.UNAVAILABLE; // a coordinator shutting down cancels the calls it holds
                }
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                    throw e;
                }
                if (method == FlProtocol.JOIN || lastRoundDone) {
                    throw new Reconnect(code + ": " + e.getStatus().getDescription());
                }
                if (System.nanoTime() > deadline) {
                    throw BadInputException.of("lost the coordinator at %s:%d for more than %d s: %s", b.host, b.port,
                            b.reconnectTimeout.toSeconds(), code);
                }
                if (code == Status.Code.UNAVAILABLE) {
                    LOG.warn("coordinator unavailable ({}); retrying", e.getStatus().getDescription());
                    sleep(500);
                    if (method == FlProtocol.SUBMIT_UPDATE) {
                        // a restarted coordinator reopens the round with a new task; this update is stale
                        throw new Reconnect("unavailable while sending an update");
                    }
                    continue;
                }
                if (method == FlProtocol.SUBMIT_UPDATE) {
                    throw new Reconnect("no answer to an update within " + timeout.toSeconds() + " s");
                }
            }
        }
    }

    private static boolean tlsRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Model readModel(byte[] bytes) {
        Model m;
        try {
            Path tmp = Files.createTempFile("botsec-fl-global", ".safetensors");
            try {
                Files.write(tmp, bytes);
                m = ModelFiles.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot store the coordinator's model", e);
        }
        try {
            Models.check(m);
        } catch (IllegalArgumentException e) {
            throw BadInputException.of("the coordinator sent a model this client cannot train: %s", e.getMessage());
        }
        Classifier c = (Classifier) m;
        if (c.numFeatures() != b.data.numFeatures() || !c.classNames().equals(b.data.classNames())) {
            throw BadInputException.of("the coordinator's model has %d features and classes %s; this client's data "
                    + "has %d features and classes %s", c.numFeatures(), c.classNames(), b.data.numFeatures(),
                    b.data.classNames());
        }
        return m;
    }

    /** Settings of a client; each may be set once; {@link #build()} checks them together. */
    public static final class Builder {
        private String host;
        private Integer port;
        private TlsFiles tls;
        private Dataset data;
        private OptionalInt slot;
        private Duration rpcTimeout;
        private Duration reconnectTimeout;
        private Integer maxMessageBytes;
        private Optional<UnaryOperator<double[]>> tamper = Optional.empty();
        private OptionalInt dropAfterRounds = OptionalInt.empty();
        private Optional<SecAggTask.Stage> dropAtStage = Optional.empty();
        private Optional<java.util.function.Consumer<ClientUpdate>> secAggInput = Optional.empty();

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** The coordinator's host name (must be in its certificate) and port. */
        public Builder server(String h, int p) {
            once(host, "server");
            host = h;
            port = p;
            return this;
        }

        /** This client's certificate and key, and the CA the coordinator's certificate must chain to. */
        public Builder tls(TlsFiles t) {
            once(tls, "tls");
            tls = t;
            return this;
        }

        /** The rows this client trains on (they never leave the process). */
        public Builder data(Dataset d) {
            once(data, "data");
            data = d;
            return this;
        }

        /** Ask for this slot (0-based), e.g. to replay shard {@code s} of a simulation; default any free slot. */
        public Builder slot(int s) {
            once(slot, "slot");
            slot = OptionalInt.of(s);
            return this;
        }

        /** Deadline of each call (training time is not included); default 60 s. */
        public Builder rpcTimeout(Duration d) {
            once(rpcTimeout, "rpcTimeout");
            rpcTimeout = d;
            return this;
        }

        /** How long to keep trying to reach a coordinator that is down; default 120 s. */
        public Builder reconnectTimeout(Duration d) {
            once(reconnectTimeout, "reconnectTimeout");
            reconnectTimeout = d;
            return this;
        }

        /** Largest message accepted from the coordinator; default 256 MiB. */
        public Builder maxMessageBytes(int n) {
            once(maxMessageBytes, "maxMessageBytes");
            maxMessageBytes = n;
            return this;
        }

        /** Tests only: replaces what this client sends (a broken or hostile client). */
        Builder tamper(UnaryOperator<double[]> t) {
            tamper = Optional.of(t);
            return this;
        }

        /** Tests only: stop without answering when the coordinator asks for this secure-aggregation stage. */
        Builder dropAtSecAggStage(SecAggTask.Stage s) {
            dropAtStage = Optional.of(s);
            return this;
        }

        /** Tests only: sees the update this client encodes under secure aggregation (before masking). */
        Builder secAggInputListener(java.util.function.Consumer<ClientUpdate> l) {
            secAggInput = Optional.of(l);
            return this;
        }

        /** Tests only: stop after training this many rounds without saying goodbye (a dropout). */
        Builder dropAfterRounds(int n) {
            dropAfterRounds = OptionalInt.of(n);
            return this;
        }

        public FlClient build() {
            if (host == null || tls == null || data == null) {
                throw new IllegalStateException("server, tls and data are required");
            }
            if (port < 1 || port > 65535) {
                throw BadInputException.of("server port must be in [1, 65535], got %d", port);
            }
            if (data.size() < 1) {
                throw new BadInputException("a client needs at least one training row");
            }
            slot = slot == null ? OptionalInt.empty() : slot;
            if (slot.isPresent() && slot.getAsInt() < 0) {
                throw BadInputException.of("slot must be >= 0, got %d", slot.getAsInt());
            }
            rpcTimeout = rpcTimeout == null ? Duration.ofSeconds(60) : rpcTimeout;
            reconnectTimeout = reconnectTimeout == null ? Duration.ofSeconds(120) : reconnectTimeout;
            for (Duration d : List.of(rpcTimeout, reconnectTimeout)) {
                if (d.isNegative() || d.isZero()) {
                    throw BadInputException.of("timeouts must be > 0, got %s", d);
                }
            }
            maxMessageBytes = maxMessageBytes == null ? 256 << 20 : maxMessageBytes;
            if (maxMessageBytes < 1024) {
                throw BadInputException.of("max message bytes must be >= 1024, got %d", maxMessageBytes);
            }
            return new FlClient(this);
        }
    }
}
