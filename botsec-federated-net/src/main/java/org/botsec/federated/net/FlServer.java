package org.botsec.federated.net;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.io.ModelFiles;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.core.prov.PrivacyGuarantee;
import org.botsec.core.prov.Provenance;
import org.botsec.federated.Aggregator;
import org.botsec.federated.ClientUpdate;
import org.botsec.federated.DpFedAvg;
import org.botsec.federated.DpFedAvgCoordinator;
import org.botsec.federated.SecureAggregation;
import org.botsec.federated.internal.SecAggRound;
import org.botsec.federated.net.internal.SecAggCoordinatorRound;
import org.botsec.federated.net.proto.SecAggPeer;
import org.botsec.federated.net.proto.SecAggTask;
import org.botsec.federated.net.proto.SecAggUpload;
import org.botsec.federated.Federation;
import org.botsec.federated.Strategy;
import org.botsec.federated.internal.Models;
import org.botsec.federated.internal.ServerOptimizer;
import org.botsec.federated.net.internal.ClientCertificateTrustManager;
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
 * The coordinator of a federation over the network ({@code botsec fl server}): FedAvg-style rounds (McMahan et al.
 * 2017) with the strategies and robust aggregators of botsec-federated, served over gRPC with mutual TLS.
 *
 * <p>Each round the global model goes to every connected client, or with fraction-fit C &lt; 1 to a sample of
 * max(min-fit, round(C · connected)) of them (the simulation's sampler: seeded to replay {@link Federation}, else
 * SecureRandom); each trains locally (the same minibatch SGD as
 * {@link Federation}) and sends its delta. The round closes when every selected client has answered or at its
 * deadline. It completes when at least {@code minClients} valid updates arrived (clients that did not answer are
 * counted as dropped); otherwise it fails with one logged line and is tried again, up to {@code maxAttempts} times,
 * after which the run aborts with a {@link BadInputException}. An update with the wrong number of values, NaN or
 * infinite values, a late or replayed update, or one from a client not selected for the round is refused and
 * logged (client name and reason, never values); training continues. After each completed round a
 * {@link Checkpoint} is written; a server started on a folder with one resumes after its round.
 *
 * <p>Clients get slots 0..{@code clients}-1 (a client may ask for one); slot {@code s} trains round {@code r} with
 * the shuffling seed {@link Federation#localTrainingSeed}, so clients holding the shards of
 * {@link Federation#clientRows} replay a simulation with the same seed exactly.
 *
 * <p>Security guarantees: every connection is TLS with a client certificate that must chain to the given CA,
 * be within its validity dates, carry the {@code clientAuth} key usage and not be on the revocation list; the
 * handshake fails otherwise. A client is identified by its certificate's SHA-256 fingerprint, never by a message
 * field. Messages larger than {@code maxMessageBytes} are refused by gRPC before they are parsed. The coordinator
 * sees every update in the clear unless secure aggregation is on ({@link Builder#secureAggregation}: then it receives
 * only masked vectors, sealed key shares and the shares that remove the masks, and learns the sum).
 * Update weights (example counts) are what clients claim: robust aggregators (median, trimmed mean, Krum) do not
 * use them.
 */
public final class FlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlServer.class);
    private static final Context.Key<Peer> PEER = Context.key("botsec-fl-peer");
    /**
     * gRPC logs a refused inbound message (over the size limit) as a java.util.logging stack trace; this turns it
     * into one WARN line. Held in a field: java.util.logging keeps only weak references to configured loggers.
     */
    private static final java.util.logging.Logger GRPC_STREAM_LOG =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    static {
        GRPC_STREAM_LOG.setFilter(r -> {
            if (r.getThrown() instanceof io.grpc.StatusRuntimeException e) {
                LOG.warn("a client message was refused by the transport: {}", e.getStatus().getDescription());
                return false;
            }
            return true;
        });
    }

    /** A connected client as the TLS layer identified it. */
    private record Peer(String fingerprint, String name) {
    }

    private static final class Member {
        final Peer peer;
        final int slot;
        int numExamples;
        long lastSeenNanos;

        Member(Peer peer, int slot, int numExamples) {
            this.peer = peer;
            this.slot = slot;
            this.numExamples = numExamples;
        }
    }

    /** One exchange with the selected clients: a training round, or one stage of a secure-aggregation round. */
    private static final class RoundState {
        final int round;
        final Function<Member, Task> taskOf;
        final Optional<SecAggTask.Stage> stage;
        final List<Member> selected;
        final Set<String> sent = new HashSet<>();
        final Set<String> answered = new HashSet<>();
        final Map<String, ClientUpdate> updates = new HashMap<>();
        final Map<String, SecAggUpload> secagg = new HashMap<>();
        int excluded;
        boolean open = true;

        RoundState(int round, Function<Member, Task> taskOf, Optional<SecAggTask.Stage> stage, List<Member> selected) {
            this.round = round;
            this.taskOf = taskOf;
            this.stage = stage;
            this.selected = selected;
        }

        boolean isSelected(String fp) {
            return selected.stream().anyMatch(m -> m.peer.fingerprint().equals(fp));
        }
    }

    /** The outcome of a run: the rounds and the final model (with provenance). */
    /**
     * The outcome of a run: the rounds, the final model (with provenance) and how clients were sampled each round
     * ({@link #clientSampling()}).
     */
    public record Result(List<NetRound> rounds, Model model, int resumedAfterRound, String clientSampling,
                         Optional<PrivacyGuarantee> privacy) {
        public Result {
            rounds = List.copyOf(rounds);
            java.util.Objects.requireNonNull(clientSampling, "clientSampling");
            java.util.Objects.requireNonNull(privacy, "privacy");
        }
    }

    private final Builder b;
    private final int numParams;
    private final Object lock = new Object();
    private final Map<String, Member> members = new HashMap<>();
    private final Map<String, StreamObserver<Task>> parked = new HashMap<>();
    private final ScheduledExecutorService timer;
    private RoundState current;
    private Optional<String> finished = Optional.empty();
    private final Set<String> doneSent = new HashSet<>();
    private Server server;
    private Thread coordinator;
    private volatile Result result;
    private volatile RuntimeException failure;

    /** The sampler of each round's clients (without DP): seeded to replay a simulation, else SecureRandom. */
    private final RandomGenerator selection;

    /** Order of each secure round's neighbourhood ring: public, drawn from a secure seed. */
    private final SplittableRandom graphSeeds = new SplittableRandom(new SecureRandom().nextLong());
    /** With DP-FedAvg: the simulation's server side (Poisson sampling, clipping norm, noise, accounting). */
    private final Optional<DpFedAvgCoordinator> dp;

    private FlServer(Builder b) {
        this.b = b;
        this.numParams = ((PerExampleGradients) b.model).numParameters();
        this.dp = b.dp.map(d -> DpFedAvgCoordinator.create(d, b.clients, b.fractionFit));
        this.selection = b.samplingSeed.isPresent() ? Federation.clientSelectionRandom(b.samplingSeed.getAsLong())
                : new SecureRandom();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "botsec-fl-poll-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The largest inbound message this server accepts (an update is about 8 bytes per parameter). */
    public int maxMessageBytes() {
        return b.maxMessageBytes.orElse(defaultMaxMessageBytes(numParams));
    }

    /** Default limit: one packed float64 update of the model plus 64 KiB for the rest of the message. */
    public static int defaultMaxMessageBytes(int numParameters) {
        long bytes = 8L * numParameters + (64 << 10);
        return (int) Math.min(Integer.MAX_VALUE - 1, bytes);
    }

    /**
     * How each round's clients are chosen, as recorded in the result and the model's provenance: all connected
     * clients, or a fraction of them drawn by a seeded (replayable) or a secure generator.
     */
    public String clientSampling() {
        if (b.dp.isPresent()) {
            return "DP-FedAvg Poisson sampling: each client slot with probability " + b.fractionFit + " per round, "
                    + (b.dp.get().insecureSeed().isPresent() ? "java.util.SplittableRandom, insecure seed "
                    + b.dp.get().insecureSeed().getAsLong() + " (not private)" : "java.security.SecureRandom");
        }
        if (b.fractionFit == 1.0) {
            return "every connected client";
        }
        String count = "max(" + b.minFitClients + ", round(" + b.fractionFit + " x connected)) of the connected "
                + "clients, uniformly without replacement";
        return count + (b.samplingSeed.isPresent()
                ? ", java.util.SplittableRandom as fl simulate --seed " + b.samplingSeed.getAsLong() + " (replayable)"
                : ", java.security.SecureRandom");
    }

    /** Binds the port and starts the rounds in a background thread. */
    public FlServer start() {
        SslContext ssl = sslContext();
        // a client may join before the coordinator thread runs: it must get a model file (its shape) at once; the
        // parameters it trains from always come with its task
        currentModelFile = modelBytes(Models.copy(b.model, null));
        ServerServiceDefinition service = ServerServiceDefinition.builder(FlProtocol.SERVICE)
                .addMethod(FlProtocol.JOIN, ServerCalls.asyncUnaryCall(this::join))
                .addMethod(FlProtocol.GET_TASK, ServerCalls.asyncUnaryCall(this::getTask))
                .addMethod(FlProtocol.SUBMIT_UPDATE, ServerCalls.asyncUnaryCall(this::submit))
                .addMethod(FlProtocol.SUBMIT_SECAGG, ServerCalls.asyncUnaryCall(this::submitSecAgg))
                .build();
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(b.host, b.port))
                    .sslContext(ssl)
                    .maxInboundMessageSize(maxMessageBytes())
                    .maxInboundMetadataSize(16 << 10)
                    .maxConnectionIdle(10, TimeUnit.MINUTES)
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .addService(ServerInterceptors.intercept(service, new PeerInterceptor()))
                    .build()
                    .start();
        } catch (IOException e) {
            throw BadInputException.of("cannot listen on %s:%d: %s", b.host, b.port, e.getMessage());
        }
        LOG.info("fl server listening on {}:{} for {} clients (min {}), {} rounds", b.host, port(), b.clients,
                b.minClients, b.rounds);
        coordinator = new Thread(this::coordinate, "botsec-fl-coordinator");
        coordinator.setDaemon(true);
        coordinator.start();
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    /** Starts, runs every round, and stops. */
    public Result run() {
        start();
        try {
            return awaitResult();
        } finally {
            close();
        }
    }

    /** Waits for the last round (or the abort) and returns the result or throws the failure. */
    public Result awaitResult() {
        try {
            coordinator.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the federation", e);
        }
        if (failure != null) {
            throw failure;
        }
        if (result == null) {
            throw new IllegalStateException("the coordinator stopped without a result (closed)");
        }
        return result;
    }

    /** Stops serving at once (a checkpoint of the last completed round stays on disk). */
    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.interrupt();
        }
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }

    private SslContext sslContext() {
        List<X509Certificate> cas = Pem.readCertificates(b.tls.ca(), "CA certificate");
        Pem.readPrivateKey(b.tls.privateKey(), "server key"); // one clear line for a bad key, before Netty's
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forServer(b.tls.certificate().toFile(),
                            b.tls.privateKey().toFile()))
                    .trustManager(new ClientCertificateTrustManager(cas, b.revocation))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw BadInputException.of("cannot use server certificate %s and key %s: %s", b.tls.certificate(),
                    b.tls.privateKey(), e.getMessage());
        }
    }

    /** Puts the peer's certificate identity into the call context; refuses calls without one. */
    private static final class PeerInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            try {
                Certificate[] chain = session == null ? new Certificate[0] : session.getPeerCertificates();
                if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                    throw new SSLPeerUnverifiedException("no client certificate");
                }
                String cn = leaf.getSubjectX500Principal().getName();
                Peer peer = new Peer(CertificateAuthority.fingerprint(leaf), cn.startsWith("CN=") ? cn.substring(3) : cn);
                return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
            } catch (SSLPeerUnverifiedException e) {
                call.close(Status.UNAUTHENTICATED.withDescription("a client certificate is required"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        }
    }

    // ---- gRPC handlers (any thread) ----

    private void join(JoinRequest req, StreamObserver<JoinReply> out) {
        Peer peer = PEER.get();
        if (req.getProtocolVersion() != FlProtocol.VERSION) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("protocol version " + req.getProtocolVersion()
                    + " not supported; this coordinator speaks " + FlProtocol.VERSION).asRuntimeException());
            return;
        }
        if (req.getNumExamples() < 1) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("num_examples must be >= 1, got "
                    + req.getNumExamples()).asRuntimeException());
            return;
        }
        Member m;
        byte[] modelFile;
        synchronized (lock) {
            m = members.get(peer.fingerprint());
            if (m == null) {
                int slot;
                try {
                    slot = freeSlot(req.getRequestedSlot());
                } catch (IllegalStateException e) {
                    out.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
                    return;
                }
                m = new Member(peer, slot, (int) Math.min(Integer.MAX_VALUE, req.getNumExamples()));
                members.put(peer.fingerprint(), m);
                LOG.info("client '{}' joined: slot {}, {} examples", peer.name(), slot, m.numExamples);
            } else {
                m.numExamples = (int) Math.min(Integer.MAX_VALUE, req.getNumExamples());
            }
            m.lastSeenNanos = System.nanoTime();
            modelFile = currentModelFile;
            lock.notifyAll();
        }
        out.onNext(JoinReply.newBuilder().setSlot(m.slot).setModelFile(com.google.protobuf.ByteString.copyFrom(modelFile))
                .setRounds(b.rounds).setProtocolVersion(FlProtocol.VERSION).build());
        out.onCompleted();
    }

    private int freeSlot(int requested) {
        Set<Integer> taken = new HashSet<>();
        for (Member x : members.values()) {
            taken.add(x.slot);
        }
        if (requested > 0) {
            int s = requested - 1;
            if (s >= b.clients) {
                throw new IllegalStateException("slot " + s + " does not exist: this federation has " + b.clients
                        + " slots (0.." + (b.clients - 1) + ")");
            }
            if (taken.contains(s)) {
                throw new IllegalStateException("slot " + s + " is held by another client certificate");
            }
            return s;
        }
        for (int s = 0; s < b.clients; s++) {
            if (!taken.contains(s)) {
                return s;
            }
        }
        throw new IllegalStateException("all " + b.clients + " client slots are taken");
    }

    private void getTask(TaskRequest req, StreamObserver<Task> out) {
        Peer peer = PEER.get();
        Task reply;
        synchronized (lock) {
            Member m = members.get(peer.fingerprint());
            if (m == null) {
                out.onError(Status.FAILED_PRECONDITION.withDescription("not joined: call Join first")
                        .asRuntimeException());
                return;
            }
            m.lastSeenNanos = System.nanoTime();
            reply = taskFor(m);
            if (reply == null) {
                StreamObserver<Task> old = parked.put(peer.fingerprint(), out);
                if (old != null) {
                    complete(old, waitTask());
                }
                timer.schedule(() -> unpark(peer.fingerprint(), out), b.pollWait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
        complete(out, reply);
    }

    /** The task for {@code m} now, or null when it should wait (under the lock). */
    private Task taskFor(Member m) {
        if (finished.isPresent()) {
            doneSent.add(m.peer.fingerprint());
            return Task.newBuilder().setKind(Task.Kind.DONE).setReason(finished.get()).build();
        }
        RoundState r = current;
        if (r != null && r.open && r.isSelected(m.peer.fingerprint()) && !r.sent.contains(m.peer.fingerprint())) {
            r.sent.add(m.peer.fingerprint());
            return r.taskOf.apply(m);
        }
        return null;
    }

    private TrainConfig config(int round, int slot) {
        return TrainConfig.newBuilder().setLocalEpochs(b.localEpochs).setBatchSize(b.batchSize)
                .setLearningRate(b.learningRate).setProximalMu(b.strategy.proximalMu())
                .setShuffleSeed(Federation.localTrainingSeed(b.seed, b.clients, slot, round)).build();
    }

    private void unpark(String fp, StreamObserver<Task> out) {
        synchronized (lock) {
            if (!parked.remove(fp, out)) {
                return;
            }
        }
        complete(out, waitTask());
    }

    private static Task waitTask() {
        return Task.newBuilder().setKind(Task.Kind.WAIT).build();
    }

    private static void complete(StreamObserver<Task> out, Task t) {
        try {
            out.onNext(t);
            out.onCompleted();
        } catch (RuntimeException e) {
            // the client went away (cancelled call): it will poll again or be counted as dropped
        }
    }

    /** Hands tasks to parked polls of members that now have one (called after a state change). */
    private void wakeParked() {
        List<Map.Entry<StreamObserver<Task>, Task>> ready = new ArrayList<>();
        synchronized (lock) {
            for (var it = parked.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Member m = members.get(e.getKey());
                Task t = m == null ? null : taskFor(m);
                if (t != null) {
                    ready.add(Map.entry(e.getValue(), t));
                    it.remove();
                }
            }
        }
        for (var e : ready) {
            complete(e.getKey(), e.getValue());
        }
    }

    private void submit(Update u, StreamObserver<UpdateReply> out) {
        Peer peer = PEER.get();
        b.inbound.ifPresent(l -> l.accept(u));
        String refusal = null;
        synchronized (lock) {
            Member m = members.get(peer.fingerprint());
            RoundState r = current;
            if (m == null) {
                refusal = "not joined";
            } else if (b.secureAggregation.isPresent()) {
                refusal = "this federation uses secure aggregation: plain updates are not accepted";
            } else if (r == null || !r.open || u.getRound() != r.round) {
                refusal = "late or replayed: round " + u.getRound() + " is not open"
                        + (r != null && r.open ? " (round " + r.round + " is)" : "");
            } else if (!r.isSelected(peer.fingerprint()) || !r.sent.contains(peer.fingerprint())) {
                refusal = "not asked to train in round " + r.round;
            } else if (r.answered.contains(peer.fingerprint())) {
                refusal = "replayed: an update for round " + r.round + " was already received";
            } else {
                m.lastSeenNanos = System.nanoTime();
                r.answered.add(peer.fingerprint());
                double[] delta = new double[u.getDeltaCount()];
                for (int j = 0; j < delta.length; j++) {
                    delta[j] = u.getDelta(j);
                }
                if (u.getNumExamples() < 1) {
                    refusal = "num_examples must be >= 1, got " + u.getNumExamples();
                } else {
                    ClientUpdate cu = new ClientUpdate(m.slot, delta, (int) Math.min(Integer.MAX_VALUE,
                            u.getNumExamples()));
                    refusal = cu.problem(numParams).orElse(null);
                    if (refusal == null) {
                        r.updates.put(peer.fingerprint(), cu);
                    }
                }
                if (refusal != null) {
                    r.excluded++;
                }
                lock.notifyAll();
            }
        }
        if (refusal != null) {
            LOG.warn("update of client '{}' refused: {}", peer.name(), refusal);
            out.onNext(UpdateReply.newBuilder().setAccepted(false).setReason(refusal).build());
        } else {
            out.onNext(UpdateReply.newBuilder().setAccepted(true).build());
        }
        out.onCompleted();
    }

    /** A secure-aggregation stage's answer: kept for the coordinator thread, which checks its contents. */
    private void submitSecAgg(SecAggUpload u, StreamObserver<UpdateReply> out) {
        Peer peer = PEER.get();
        b.inbound.ifPresent(l -> l.accept(u));
        String refusal = null;
        synchronized (lock) {
            Member m = members.get(peer.fingerprint());
            RoundState r = current;
            if (m == null) {
                refusal = "not joined";
            } else if (r == null || !r.open || u.getRound() != r.round || r.stage.isEmpty()
                    || r.stage.get() != u.getStage()) {
                refusal = "late or replayed: secure-aggregation stage " + u.getStage() + " of round " + u.getRound()
                        + " is not open";
            } else if (!r.isSelected(peer.fingerprint()) || !r.sent.contains(peer.fingerprint())) {
                refusal = "not asked for this stage of round " + r.round;
            } else if (r.answered.contains(peer.fingerprint())) {
                refusal = "replayed: this stage of round " + r.round + " was already answered";
            } else {
                m.lastSeenNanos = System.nanoTime();
                r.answered.add(peer.fingerprint());
                r.secagg.put(peer.fingerprint(), u);
                lock.notifyAll();
            }
        }
        if (refusal != null) {
            LOG.warn("secure-aggregation message of client '{}' refused: {}", peer.name(), refusal);
            out.onNext(UpdateReply.newBuilder().setAccepted(false).setReason(refusal).build());
        } else {
            out.onNext(UpdateReply.newBuilder().setAccepted(true).build());
        }
        out.onCompleted();
    }

    // ---- the rounds (coordinator thread) ----

    /** What one round produced: the aggregated delta and the counts of {@link NetRound}. */
    private record Aggregate(double[] delta, int selected, int valid, int excluded, int dropped) {
    }

    /** A round attempt that did not gather enough clients (retried, then the run aborts). */
    private static final class RoundFailed extends Exception {
        RoundFailed(String message) {
            super(message, null, false, false);
        }
    }

    private volatile byte[] currentModelFile;

    private void coordinate() {
        try {
            result = rounds();
        } catch (RuntimeException e) {
            failure = e;
            finish(e instanceof BadInputException ? e.getMessage() : "coordinator failed");
        } catch (InterruptedException e) {
            failure = new IllegalStateException("the coordinator was stopped");
        }
    }

    private Result rounds() throws InterruptedException {
        double[] global = new double[numParams];
        ((PerExampleGradients) b.model).getParameters(global);
        ServerOptimizer optimizer = new ServerOptimizer(b.strategy, numParams);
        List<NetRound> history = new ArrayList<>();
        Checkpoint.Settings settings = new Checkpoint.Settings(b.strategy.name(), b.aggregator.spec(), b.rounds,
                b.seed, b.clients, numParams);
        int start = 1;
        if (b.checkpointDir.isPresent() && Checkpoint.exists(b.checkpointDir.get())) {
            Checkpoint c = Checkpoint.read(b.checkpointDir.get());
            if (!c.settings().resumableBy(settings)) {
                throw BadInputException.of("checkpoint in %s was written by a run with %s; this run has %s "
                        + "(use another --checkpoint folder)", b.checkpointDir.get(), c.settings().describe(),
                        settings.describe());
            }
            if (c.round() > b.rounds) {
                throw BadInputException.of("checkpoint in %s is after round %d; this run has only %d rounds",
                        b.checkpointDir.get(), c.round(), b.rounds);
            }
            global = c.parameters();
            if (c.moments().isPresent()) {
                optimizer.restoreMoments(c.moments().get()[0], c.moments().get()[1]);
            }
            history.addAll(c.history());
            start = c.round() + 1;
            LOG.info("resuming from checkpoint {} after round {}", b.checkpointDir.get(), c.round());
        }
        Model model = Models.copy(b.model, null);
        ((PerExampleGradients) model).setParameters(global);
        currentModelFile = modelBytes(model);
        for (int round = start; round <= b.rounds; round++) {
            NetRound done = null;
            for (int attempt = 1; done == null; attempt++) {
                long t0 = System.nanoTime();
                Optional<String> problem = awaitClients();
                Aggregate agg = null;
                if (problem.isEmpty()) {
                    try {
                        agg = b.secureAggregation.isPresent() ? secureRound(round, global) : plainRound(round, global);
                    } catch (RoundFailed f) {
                        problem = Optional.of(f.getMessage());
                    }
                }
                if (problem.isPresent()) {
                    if (attempt >= b.maxAttempts) {
                        throw BadInputException.of("round %d aborted after %d attempt(s): %s", round, attempt,
                                problem.get());
                    }
                    LOG.warn("round {} attempt {} of {} failed: {}; retrying", round, attempt, b.maxAttempts,
                            problem.get());
                    continue;
                }
                optimizer.step(global, agg.delta());
                ((PerExampleGradients) model).setParameters(global);
                OptionalDouble acc = OptionalDouble.empty();
                OptionalDouble loss = OptionalDouble.empty();
                if (b.testData.isPresent()) {
                    Dataset test = b.testData.get();
                    Evaluation ev = Evaluation.of(test.y(), ((Classifier) model).predictProba(test.x()),
                            test.classNames());
                    acc = OptionalDouble.of(ev.accuracy());
                    loss = OptionalDouble.of(ev.logLoss());
                }
                done = new NetRound(round, attempt, agg.selected(), agg.valid(), agg.excluded(), agg.dropped(), acc,
                        loss, (System.nanoTime() - t0) / 1e9);
            }
            history.add(done);
            if (b.checkpointDir.isPresent()) {
                new Checkpoint(round, settings, history, global, optimizer.moments()).write(b.checkpointDir.get(),
                        model);
            }
            currentModelFile = modelBytes(model);
            LOG.info("round {}: {} of {} clients aggregated ({} excluded, {} dropped){}", round, done.valid(),
                    done.selected(), done.excluded(), done.dropped(), done.accuracy().isPresent()
                            ? String.format(java.util.Locale.ROOT, ", accuracy %.4f", done.accuracy().getAsDouble()) : "");
            NetRound report = done;
            b.listener.ifPresent(l -> l.accept(report));
        }
        Provenance prov = provenance();
        Optional<PrivacyGuarantee> privacy = dp.map(d -> d.guarantee(b.rounds, List.of("the coordinator sees "
                + "each sampled client's update before clipping and is trusted to clip it and add the noise "
                + "(central DP); use secure aggregation to hide single updates from it")));
        if (privacy.isPresent()) {
            prov = prov.withPrivacy(privacy.get());
        }
        Model out = Models.copy(model, prov);
        finish("training finished after round " + b.rounds);
        return new Result(history, out, start - 1, clientSampling(), privacy);
    }

    /**
     * DP-FedAvg's private average of the round (McMahan et al. 2018, Algorithm 1): the coordinator clips every
     * update to the round's L2 norm C itself — it sees them, and clipping where the noise is added enforces the
     * sensitivity even for a client that did not clip — sums them with weight 1 in slot order and lets
     * {@link DpFedAvgCoordinator#privatize} add N(0, (z·C)²) and divide by qN.
     */
    private double[] privateAverage(List<ClientUpdate> updates) {
        DpFedAvgCoordinator d = dp.orElseThrow();
        double clip = d.l2NormClip();
        double[] sum = new double[numParams];
        long unclipped = 0;
        for (ClientUpdate u : updates) {
            double[] delta = u.delta();
            double k = DpFedAvgCoordinator.clipFactor(delta, clip);
            if (k == 1.0) {
                unclipped++;
            }
            for (int j = 0; j < numParams; j++) {
                sum[j] += k * delta[j];
            }
        }
        d.privatize(sum, unclipped, updates.size());
        return sum;
    }

    /**
     * Waits until every slot is live, or at least minClients are and the gather time has passed; empty when so,
     * else why not (after the join timeout).
     */
    private Optional<String> awaitClients() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + b.joinTimeout.toNanos();
        synchronized (lock) {
            while (true) {
                int live = live().size();
                if (live >= b.clients
                        || (live >= b.minClients && System.nanoTime() - start >= b.gatherTime.toNanos())) {
                    return Optional.empty();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.of("only " + live + " client(s) connected within " + b.joinTimeout.toSeconds()
                            + " s, --min-clients " + b.minClients);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    private List<Member> live() {
        long now = System.nanoTime();
        // a client counts as connected while it was heard from recently: a poll is renewed every pollWait, and one
        // busy training is silent for up to a round; a gone client is asked (and dropped) until this passes
        long window = Math.max(Math.max(b.roundTimeout.toNanos(), b.pollWait.toNanos() * 3),
                TimeUnit.SECONDS.toNanos(10));
        List<Member> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (now - m.lastSeenNanos <= window) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingInt(m -> m.slot));
        return out;
    }

    /**
     * The clients of a round among the connected ones (ascending slots): all of them with fraction-fit 1, else
     * max(min-fit, round(C · connected)) drawn by the simulation's sampler ({@link Federation#sampleClients}); with
     * every slot connected and a sampling seed equal to fl simulate's seed, the same clients as the simulation.
     */
    private List<Member> select(List<Member> live) {
        if (dp.isPresent()) {
            // Poisson sampling over all N slots, as the accountant assumes; a sampled slot nobody holds now is absent
            Set<Integer> slots = new HashSet<>();
            for (int s : dp.get().sampleClients()) {
                slots.add(s);
            }
            List<Member> out = new ArrayList<>();
            for (Member m : live) {
                if (slots.contains(m.slot)) {
                    out.add(m);
                }
            }
            return out;
        }
        if (live.isEmpty()) {
            return live;
        }
        int m = Math.min(live.size(), Math.max(b.minFitClients, Federation.sampleSize(live.size(), b.fractionFit)));
        List<Member> out = new ArrayList<>();
        for (int i : Federation.sampleClients(selection, live.size(), m)) {
            out.add(live.get(i));
        }
        return out;
    }

    private Task trainTask(int round, double[] global) {
        Task.Builder tb = Task.newBuilder().setKind(Task.Kind.TRAIN).setRound(round);
        for (double v : global) {
            tb.addGlobal(v);
        }
        return tb.build();
    }

    /** A plain round: the selected clients train and send their deltas in the clear. */
    private Aggregate plainRound(int round, double[] global) throws InterruptedException, RoundFailed {
        Task task = trainTask(round, global);
        RoundState r = runStage(round, Optional.empty(), null,
                m -> task.toBuilder().setConfig(config(round, m.slot)).build());
        int valid = r.updates.size();
        // DP-FedAvg: a round with no valid update is noise only (fixed denominator), as in the simulation
        int needed = dp.isPresent() ? 0 : Math.max(b.minFitClients, b.aggregator.minUpdates());
        if (valid < needed) {
            throw new RoundFailed(valid + " valid update(s) of " + r.selected.size() + " clients, "
                    + (b.fractionFit == 1.0 ? "--min-clients " : "--min-fit-clients ") + needed);
        }
        List<ClientUpdate> updates = new ArrayList<>(r.updates.values());
        updates.sort(Comparator.comparingInt(ClientUpdate::clientId));
        double[] delta = dp.isPresent() ? privateAverage(updates) : b.aggregator.aggregate(updates);
        return new Aggregate(delta, r.selected.size(), valid, r.excluded, r.selected.size() - r.answered.size());
    }

    /**
     * A round under secure aggregation (Bonawitz et al. 2017): four stages of tasks and answers
     * ({@link SecAggCoordinatorRound}); the coordinator adds masked vectors and learns only their sum. A client that
     * does not answer a stage, or answers it with something malformed, is a dropout of that stage; the masks of one
     * that dropped after sharing its keys are removed with its neighbours' shares.
     */
    private Aggregate secureRound(int round, double[] global) throws InterruptedException, RoundFailed {
        SecureAggregation cfg = b.secureAggregation.orElseThrow();
        int length = numParams + 2;
        int needed = dp.isPresent() ? 2 : Math.max(2, b.minFitClients);
        List<Member> chosen;
        synchronized (lock) {
            chosen = select(live());
        }
        if (dp.isPresent() && chosen.size() < 2) {
            // DP-FedAvg: fewer than two sampled clients cannot be aggregated securely; they count as dropouts and
            // the round is noise only (a dropout does not weaken the client-level bound)
            LOG.warn("round {}: {} client(s) sampled, secure aggregation needs 2: the round is noise only", round,
                    chosen.size());
            double[] delta = new double[numParams];
            dp.get().privatize(delta, 0, 0);
            return new Aggregate(delta, chosen.size(), 0, 0, chosen.size());
        }
        // 1. AdvertiseKeys
        Task advertise = Task.newBuilder().setKind(Task.Kind.SECAGG).setRound(round)
                .setSecagg(SecAggTask.newBuilder().setStage(SecAggTask.Stage.ADVERTISE_KEYS)).build();
        RoundState r1 = runStage(round, Optional.of(SecAggTask.Stage.ADVERTISE_KEYS), chosen, m -> advertise);
        Map<Integer, SecAggPeer> keys = new HashMap<>();
        Set<com.google.protobuf.ByteString> seen = new HashSet<>();
        int excluded = 0;
        for (Member m : r1.selected) {
            SecAggUpload u = r1.secagg.get(m.peer.fingerprint());
            if (u == null) {
                continue;
            }
            SecAggPeer k = u.getKeys();
            if (k.getCipherPublicKey().size() != 32 || k.getMaskPublicKey().size() != 32
                    || !seen.add(k.getMaskPublicKey()) || !seen.add(k.getCipherPublicKey())) {
                LOG.warn("round {}: client '{}' advertised malformed or repeated keys: excluded", round, m.peer.name());
                excluded++;
                continue;
            }
            keys.put(m.slot, k.toBuilder().setSlot(m.slot).build());
        }
        if (keys.size() < needed) {
            throw new RoundFailed("secure aggregation: " + keys.size() + " of " + chosen.size() + " clients "
                    + "advertised keys, " + needed + " needed");
        }
        SecAggCoordinatorRound sa = new SecAggCoordinatorRound(round, cfg, keys, length,
                new SplittableRandom(graphSeeds.nextLong()));
        Map<Integer, Member> bySlot = new HashMap<>();
        for (Member m : chosen) {
            bySlot.put(m.slot, m);
        }
        // 2. ShareKeys
        List<Member> u1 = keys.keySet().stream().sorted().map(bySlot::get).toList();
        RoundState r2 = runStage(round, Optional.of(SecAggTask.Stage.SHARE_KEYS), u1,
                m -> Task.newBuilder().setKind(Task.Kind.SECAGG).setRound(round).setSecagg(sa.shareTask(m.slot))
                        .build());
        for (Member m : u1) {
            SecAggUpload u = r2.secagg.get(m.peer.fingerprint());
            if (u != null) {
                Optional<String> bad = sa.acceptShares(m.slot, u.getSharesList());
                if (bad.isPresent()) {
                    LOG.warn("round {}: client '{}' sent unusable key shares ({}): excluded", round, m.peer.name(),
                            bad.get());
                    excluded++;
                }
            }
        }
        List<Member> u2 = sa.shared().stream().map(bySlot::get).toList();
        if (u2.size() < Math.max(needed, sa.threshold())) {
            throw new RoundFailed("secure aggregation: " + u2.size() + " of " + chosen.size() + " clients shared "
                    + "their keys, " + Math.max(needed, sa.threshold()) + " needed");
        }
        // 3. MaskedInputCollection: the clients train, encode and mask
        Task train = trainTask(round, global);
        double clip = dp.map(DpFedAvgCoordinator::l2NormClip).orElse(0.0);
        RoundState r3 = runStage(round, Optional.of(SecAggTask.Stage.MASKED_INPUT), u2,
                m -> train.toBuilder().setKind(Task.Kind.SECAGG).setConfig(config(round, m.slot))
                        .setSecagg(sa.maskedTask(m.slot, clip)).build());
        for (Member m : u2) {
            SecAggUpload u = r3.secagg.get(m.peer.fingerprint());
            if (u != null && !sa.addMasked(m.slot, u.getMaskedList())) {
                LOG.warn("round {}: client '{}' sent a masked vector of {} values, the round needs {}: excluded",
                        round, m.peer.name(), u.getMaskedCount(), length);
                excluded++;
            }
        }
        List<Member> u3 = sa.maskedSlots().stream().map(bySlot::get).toList();
        if (u3.size() < Math.max(needed, sa.threshold())) {
            throw new RoundFailed("secure aggregation: " + u3.size() + " of " + chosen.size() + " clients sent "
                    + "masked updates, " + Math.max(needed, sa.threshold()) + " needed");
        }
        // 4. Unmasking
        RoundState r4 = runStage(round, Optional.of(SecAggTask.Stage.UNMASK), u3,
                m -> Task.newBuilder().setKind(Task.Kind.SECAGG).setRound(round).setSecagg(sa.unmaskTask(m.slot))
                        .build());
        for (Member m : u3) {
            SecAggUpload u = r4.secagg.get(m.peer.fingerprint());
            if (u != null) {
                Optional<String> bad = sa.acceptRevealed(m.slot, u.getRevealedList());
                if (bad.isPresent()) {
                    LOG.warn("round {}: client '{}' revealed unusable shares ({}): ignored", round, m.peer.name(),
                            bad.get());
                }
            }
        }
        long[] total;
        try {
            total = sa.unmask();
        } catch (IllegalStateException e) {
            throw new RoundFailed(e.getMessage() + " (too many dropouts while unmasking)");
        }
        int f = cfg.fractionalBits();
        double[] out = new double[numParams];
        for (int j = 0; j < numParams; j++) {
            out[j] = SecAggRound.decode(total[j], f);
        }
        double weight = SecAggRound.decode(total[numParams], f);
        long unclipped = Math.round(SecAggRound.decode(total[numParams + 1], f));
        if (dp.isPresent()) {
            dp.get().privatize(out, unclipped, u3.size());
        } else {
            for (int j = 0; j < numParams; j++) {
                out[j] /= weight;
            }
        }
        return new Aggregate(out, chosen.size(), u3.size(), excluded, chosen.size() - u3.size() - excluded);
    }

    /**
     * Hands {@code taskOf} to each of {@code members} (or, with null, to a fresh selection of the live clients) and
     * waits until all answered or the round timeout passed.
     */
    private RoundState runStage(int round, Optional<SecAggTask.Stage> stage, List<Member> members,
                                Function<Member, Task> taskOf) throws InterruptedException {
        RoundState r;
        synchronized (lock) {
            r = new RoundState(round, taskOf, stage, members == null ? select(live()) : members);
            current = r;
        }
        wakeParked();
        long deadline = System.nanoTime() + b.roundTimeout.toNanos();
        synchronized (lock) {
            while (r.answered.size() < r.selected.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            r.open = false;
            current = null;
            for (Member m : r.selected) {
                if (!r.answered.contains(m.peer.fingerprint())) {
                    LOG.warn("round {}{}: client '{}' (slot {}) did not answer within {} s: dropped", round,
                            stage.map(x -> " (" + x + ")").orElse(""), m.peer.name(), m.slot,
                            b.roundTimeout.toSeconds());
                }
            }
        }
        return r;
    }

    private void finish(String reason) {
        synchronized (lock) {
            finished = Optional.of(reason);
        }
        wakeParked();
        // let every live client learn that training is over before the server stops (a slow one polls late)
        long deadline = System.nanoTime() + Math.max(b.pollWait.toNanos() * 3, TimeUnit.SECONDS.toNanos(10));
        try {
            synchronized (lock) {
                while (System.nanoTime() < deadline && !allToldDone()) {
                    lock.wait(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean allToldDone() {
        for (Member m : live()) {
            if (!doneSent.contains(m.peer.fingerprint())) {
                return false;
            }
        }
        return true;
    }

    private static byte[] modelBytes(Model model) {
        try {
            Path tmp = Files.createTempFile("botsec-fl-model", ".safetensors");
            try {
                ModelFiles.save(model, tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the global model", e);
        }
    }

    private Provenance provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("strategy", b.strategy.name());
        if (b.strategy.proximalMu() > 0) {
            p.put("proximal_mu", b.strategy.proximalMu());
        }
        p.put("aggregator", b.aggregator.spec());
        p.put("clients", b.clients);
        p.put("min_clients", b.minClients);
        p.put("fraction_fit", b.fractionFit);
        p.put("min_fit_clients", b.minFitClients);
        p.put("client_sampling", clientSampling());
        b.dp.ifPresent(d -> p.put("dp_clipping", b.secureAggregation.isPresent()
                ? "client-side (secure aggregation hides single updates)" : "server-side"));
        b.secureAggregation.ifPresent(sa -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", "bonawitz2017 semi-honest over grpc / secagg+ neighbourhood");
            m.put("neighbours", sa.neighbours() == 0 ? "default (round failure <= 1e-6)"
                    : Integer.toString(sa.neighbours()));
            m.put("fractional_bits", sa.fractionalBits());
            p.put("secure_aggregation", m);
        });
        p.put("rounds", b.rounds);
        p.put("local_epochs", b.localEpochs);
        p.put("batch_size", b.batchSize);
        p.put("learning_rate", b.learningRate);
        p.put("seed", b.seed);
        p.put("transport", "grpc+mtls");
        // the training data never left the clients: there is no data hash to record
        return Provenance.of("federated/" + b.strategy.name(), p, null, b.seed);
    }

    /** Settings of a coordinator; each may be set once; {@link #build()} checks them together. */
    public static final class Builder {
        private Model model;
        private TlsFiles tls;
        private RevocationList revocation;
        private String host;
        private Integer port;
        private Integer rounds;
        private Integer clients;
        private Integer minClients;
        private Double fractionFit;
        private Integer minFitClients;
        private OptionalLong samplingSeed;
        private Optional<DpFedAvg> dp;
        private Optional<SecureAggregation> secureAggregation;
        private Optional<Consumer<com.google.protobuf.Message>> inbound = Optional.empty();
        private Strategy strategy;
        private Aggregator aggregator;
        private Integer localEpochs;
        private Integer batchSize;
        private Double learningRate;
        private Long seed;
        private Duration roundTimeout;
        private Duration joinTimeout;
        private Duration pollWait;
        private Duration gatherTime;
        private Integer maxAttempts;
        private Optional<Integer> maxMessageBytes;
        private Optional<Path> checkpointDir;
        private Optional<Dataset> testData;
        private Optional<Consumer<NetRound>> listener;

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** The initial global model (an {@code Mlp} or {@code LinearModel}; copied, not changed). */
        public Builder initialModel(Model m) {
            once(model, "initialModel");
            model = m;
            return this;
        }

        /** The server's certificate and key, and the CA that client certificates must chain to. */
        public Builder tls(TlsFiles t) {
            once(tls, "tls");
            tls = t;
            return this;
        }

        /** Client certificates refused although the CA signed them; default none. */
        public Builder revocationList(RevocationList r) {
            once(revocation, "revocationList");
            revocation = r;
            return this;
        }

        /** Address to listen on; default 127.0.0.1 (give 0.0.0.0 to accept clients from other machines). */
        public Builder host(String h) {
            once(host, "host");
            host = h;
            return this;
        }

        /** Port (0 = any free one; see {@link FlServer#port()}); default 8443. */
        public Builder port(int p) {
            once(port, "port");
            port = p;
            return this;
        }

        public Builder rounds(int r) {
            once(rounds, "rounds");
            rounds = r;
            return this;
        }

        /** Client slots N: how many clients may join. */
        public Builder clients(int n) {
            once(clients, "clients");
            clients = n;
            return this;
        }

        /** Valid updates a round needs to complete; default N. */
        public Builder minClients(int n) {
            once(minClients, "minClients");
            minClients = n;
            return this;
        }

        /**
         * Fraction C of the connected clients that train each round, in (0, 1]; default 1 (all). The others wait.
         */
        public Builder fractionFit(double f) {
            once(fractionFit, "fractionFit");
            fractionFit = f;
            return this;
        }

        /**
         * At least this many clients are sampled each round (when connected), and a round needs this many valid
         * updates; default {@code minClients} with fraction-fit 1, else the aggregator's minimum.
         */
        public Builder minFitClients(int n) {
            once(minFitClients, "minFitClients");
            minFitClients = n;
            return this;
        }

        /**
         * Samples clients from the generator fl simulate uses with this seed (replayable, so a run with every client
         * connected picks the simulation's clients); default a {@code SecureRandom}.
         */
        public Builder samplingSeed(long s) {
            once(samplingSeed, "samplingSeed");
            samplingSeed = OptionalLong.of(s);
            return this;
        }

        /**
         * Client-level differential privacy (DP-FedAvg, {@link DpFedAvg}): client slots are then Poisson-sampled
         * with rate fraction-fit, the coordinator clips each update to the clipping norm, adds Gaussian noise to the
         * sum and divides by the expected number of clients, and the model's provenance carries the client-level
         * {@link PrivacyGuarantee}. Needs the fedavg aggregator.
         */
        public Builder dp(DpFedAvg d) {
            once(dp, "dp");
            dp = Optional.of(d);
            return this;
        }

        /**
         * Secure aggregation (Bonawitz et al. 2017, semi-honest, with the SecAgg+ neighbourhood): every round runs
         * four stages with the clients, which send only masked vectors; the coordinator learns their sum. The
         * simulated dropout rate of the settings is ignored (real clients drop by themselves). Needs the fedavg
         * aggregator.
         */
        public Builder secureAggregation(SecureAggregation s) {
            once(secureAggregation, "secureAggregation");
            secureAggregation = Optional.of(s);
            return this;
        }

        /** Tests only: sees every update and secure-aggregation message the handlers receive, as received. */
        Builder inboundListener(Consumer<com.google.protobuf.Message> l) {
            inbound = Optional.of(l);
            return this;
        }

        public Builder strategy(Strategy s) {
            once(strategy, "strategy");
            strategy = s;
            return this;
        }

        public Builder aggregator(Aggregator a) {
            once(aggregator, "aggregator");
            aggregator = a;
            return this;
        }

        public Builder localEpochs(int e) {
            once(localEpochs, "localEpochs");
            localEpochs = e;
            return this;
        }

        public Builder batchSize(int bs) {
            once(batchSize, "batchSize");
            batchSize = bs;
            return this;
        }

        public Builder learningRate(double lr) {
            once(learningRate, "learningRate");
            learningRate = lr;
            return this;
        }

        /** Seed of the clients' local shuffling (as in the simulation); default 42. */
        public Builder seed(long s) {
            once(seed, "seed");
            seed = s;
            return this;
        }

        /** How long a round waits for updates after it starts; default 60 s. */
        public Builder roundTimeout(Duration d) {
            once(roundTimeout, "roundTimeout");
            roundTimeout = d;
            return this;
        }

        /** How long a round attempt waits for enough clients to be connected; default 120 s. */
        public Builder joinTimeout(Duration d) {
            once(joinTimeout, "joinTimeout");
            joinTimeout = d;
            return this;
        }

        /** Longest time a client's poll is held open without a task; default 2 s. */
        public Builder pollWait(Duration d) {
            once(pollWait, "pollWait");
            pollWait = d;
            return this;
        }

        /**
         * How long a round waits for missing clients once at least the minimum is connected (every slot filled
         * starts it at once); default 5 s.
         */
        public Builder gatherTime(Duration d) {
            once(gatherTime, "gatherTime");
            gatherTime = d;
            return this;
        }

        /** Tries per round before the run aborts; default 3. */
        public Builder maxAttempts(int n) {
            once(maxAttempts, "maxAttempts");
            maxAttempts = n;
            return this;
        }

        /** Largest inbound message; default {@link #defaultMaxMessageBytes} of the model. */
        public Builder maxMessageBytes(int n) {
            once(maxMessageBytes, "maxMessageBytes");
            maxMessageBytes = Optional.of(n);
            return this;
        }

        /** Folder for checkpoints (must exist); resumes from one found there. Default: no checkpoints. */
        public Builder checkpointDir(Path d) {
            once(checkpointDir, "checkpointDir");
            checkpointDir = Optional.of(d);
            return this;
        }

        /** Held-out rows the coordinator measures each round's model on; default none. */
        public Builder testData(Dataset d) {
            once(testData, "testData");
            testData = Optional.of(d);
            return this;
        }

        /** Called after every completed round (on the coordinator thread). */
        public Builder listener(Consumer<NetRound> l) {
            once(listener, "listener");
            listener = Optional.of(l);
            return this;
        }

        public FlServer build() {
            if (model == null || tls == null) {
                throw new IllegalStateException("initialModel and tls are required");
            }
            Models.check(model);
            tls.checked();
            if (rounds == null || clients == null) {
                throw new IllegalStateException("rounds and clients are required");
            }
            if (rounds < 1) {
                throw BadInputException.of("rounds must be >= 1, got %d", rounds);
            }
            if (clients < 1) {
                throw BadInputException.of("clients must be >= 1, got %d", clients);
            }
            minClients = minClients == null ? clients : minClients;
            if (minClients < 1 || minClients > clients) {
                throw BadInputException.of("min-clients must be in [1, %d] (the clients), got %d", clients, minClients);
            }
            fractionFit = fractionFit == null ? 1.0 : fractionFit;
            if (!(fractionFit > 0 && fractionFit <= 1)) {
                throw BadInputException.of("fraction-fit must be in (0, 1], got %s", fractionFit);
            }
            samplingSeed = samplingSeed == null ? OptionalLong.empty() : samplingSeed;
            revocation = revocation == null ? RevocationList.none() : revocation;
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 8443 : port;
            if (port < 0 || port > 65535) {
                throw BadInputException.of("port must be in [0, 65535], got %d", port);
            }
            strategy = strategy == null ? new Strategy.FedAvg() : strategy;
            aggregator = aggregator == null ? Aggregator.parse("fedavg", 1) : aggregator;
            if (clients < aggregator.minUpdates()) {
                throw BadInputException.of("aggregator %s needs at least %d clients, got %d", aggregator.spec(),
                        aggregator.minUpdates(), clients);
            }
            dp = dp == null ? Optional.empty() : dp;
            secureAggregation = secureAggregation == null ? Optional.empty() : secureAggregation;
            if (secureAggregation.isPresent() && !(aggregator instanceof Aggregator.WeightedMean)) {
                throw BadInputException.of("secure aggregation over the network needs the fedavg aggregator (the "
                        + "coordinator sees only the sum), got %s", aggregator.spec());
            }
            if (secureAggregation.isPresent() && clients < 2) {
                throw BadInputException.of("secure aggregation needs at least 2 clients, got %d", clients);
            }
            if (dp.isPresent()) {
                if (!(aggregator instanceof Aggregator.WeightedMean)) {
                    throw BadInputException.of("DP-FedAvg needs the fedavg aggregator (its clipping already bounds each "
                            + "client; the accountant does not cover %s), got %s", aggregator.spec(), aggregator.spec());
                }
                if (minFitClients != null) {
                    throw BadInputException.of("min-fit-clients does not apply to DP-FedAvg (clients are Poisson-"
                            + "sampled with rate fraction-fit), got %d", minFitClients);
                }
                if (samplingSeed.isPresent()) {
                    throw BadInputException.of("sampling seed does not apply to DP-FedAvg (its sampling is secure, or "
                            + "seeded by the DP insecure seed), got %d", samplingSeed.getAsLong());
                }
                if (checkpointDir != null) {
                    throw new BadInputException("checkpoints with DP-FedAvg are not yet supported (the clipping and "
                            + "noise state would have to be saved); give no checkpoint folder");
                }
                dp.get().updateNoiseMultiplier(fractionFit * clients); // z < 2 sigma_b with adaptive clipping
                minFitClients = 1;
            }
            if (minFitClients == null) {
                minFitClients = fractionFit == 1.0 ? Math.max(minClients, aggregator.minUpdates()) : aggregator.minUpdates();
            }
            if (minFitClients < 1 || minFitClients > clients) {
                throw BadInputException.of("min-fit-clients must be in [1, %d] (the clients), got %d", clients,
                        minFitClients);
            }
            if (minFitClients < aggregator.minUpdates()) {
                throw BadInputException.of("min-fit-clients %d is below what aggregator %s needs (%d)", minFitClients,
                        aggregator.spec(), aggregator.minUpdates());
            }
            localEpochs = localEpochs == null ? 1 : localEpochs;
            batchSize = batchSize == null ? 10 : batchSize;
            learningRate = learningRate == null ? 0.05 : learningRate;
            if (localEpochs < 1) {
                throw BadInputException.of("local epochs must be >= 1, got %d", localEpochs);
            }
            if (batchSize < 1) {
                throw BadInputException.of("batch size must be >= 1, got %d", batchSize);
            }
            if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                throw BadInputException.of("learning rate must be > 0 and finite, got %s", learningRate);
            }
            seed = seed == null ? 42L : seed;
            roundTimeout = positive(roundTimeout, Duration.ofSeconds(60), "round timeout");
            joinTimeout = positive(joinTimeout, Duration.ofSeconds(120), "join timeout");
            pollWait = positive(pollWait, Duration.ofSeconds(2), "poll wait");
            gatherTime = gatherTime == null ? Duration.ofSeconds(5) : gatherTime;
            if (gatherTime.isNegative()) {
                throw BadInputException.of("gather time must be >= 0, got %s", gatherTime);
            }
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            if (maxAttempts < 1) {
                throw BadInputException.of("max attempts must be >= 1, got %d", maxAttempts);
            }
            maxMessageBytes = maxMessageBytes == null ? Optional.empty() : maxMessageBytes;
            if (maxMessageBytes.isPresent() && maxMessageBytes.get() < 1024) {
                throw BadInputException.of("max message bytes must be >= 1024, got %d", maxMessageBytes.get());
            }
            checkpointDir = checkpointDir == null ? Optional.empty() : checkpointDir;
            if (checkpointDir.isPresent() && !Files.isDirectory(checkpointDir.get())) {
                throw BadInputException.of("checkpoint folder %s does not exist", checkpointDir.get());
            }
            testData = testData == null ? Optional.empty() : testData;
            if (testData.isPresent()) {
                Classifier c = (Classifier) model;
                Dataset d = testData.get();
                if (d.numFeatures() != c.numFeatures() || !d.classNames().equals(c.classNames())) {
                    throw BadInputException.of("test data (%d features, classes %s) does not fit the model (%d "
                            + "features, classes %s)", d.numFeatures(), d.classNames(), c.numFeatures(),
                            c.classNames());
                }
            }
            listener = listener == null ? Optional.empty() : listener;
            return new FlServer(this);
        }

        private static Duration positive(Duration d, Duration dflt, String what) {
            if (d == null) {
                return dflt;
            }
            if (d.isNegative() || d.isZero()) {
                throw BadInputException.of("%s must be > 0, got %s", what, d);
            }
            return d;
        }
    }
}
