package org.botsec.flower;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.botsec.core.BadInputException;
import org.botsec.core.data.Dataset;
import org.botsec.core.eval.Evaluation;
import org.botsec.core.model.Classifier;
import org.botsec.core.model.LinearModel;
import org.botsec.core.model.Mlp;
import org.botsec.core.model.Model;
import org.botsec.core.model.PerExampleGradients;
import org.botsec.federated.internal.LocalTrainer;
import org.botsec.federated.internal.Models;
import org.botsec.flower.internal.FlowerRecords;
import org.botsec.flower.internal.FlowerRecords.FlowerArray;
import org.botsec.flower.internal.NodeAuthInterceptor;
import org.botsec.flower.internal.ObjectContent;
import org.botsec.flower.internal.proto.ActivateNodeRequest;
import org.botsec.flower.internal.proto.ConfirmMessageReceivedRequest;
import org.botsec.flower.internal.proto.DeactivateNodeRequest;
import org.botsec.flower.internal.proto.FleetGrpc;
import org.botsec.flower.internal.proto.Message;
import org.botsec.flower.internal.proto.Metadata;
import org.botsec.flower.internal.proto.Node;
import org.botsec.flower.internal.proto.ObjectTree;
import org.botsec.flower.internal.proto.PullMessagesRequest;
import org.botsec.flower.internal.proto.PullMessagesResponse;
import org.botsec.flower.internal.proto.PullObjectRequest;
import org.botsec.flower.internal.proto.PullObjectResponse;
import org.botsec.flower.internal.proto.PushMessagesRequest;
import org.botsec.flower.internal.proto.PushMessagesResponse;
import org.botsec.flower.internal.proto.PushObjectRequest;
import org.botsec.flower.internal.proto.RecordDict;
import org.botsec.flower.internal.proto.RegisterNodeFleetRequest;
import org.botsec.flower.internal.proto.SendNodeHeartbeatRequest;
import org.botsec.flower.internal.proto.UnregisterNodeFleetRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BotSec client node in a Flower federation (Flower 1.23 Fleet API over gRPC). It registers its node key with the
 * SuperLink (or reuses a registered one), activates, sends heartbeats, and then loops: pull a message, pull its
 * objects (each checked against its SHA-256 ID), confirm receipt, handle it, push the reply and the objects the
 * SuperLink asks for.
 *
 * <p>{@code train} messages: the arrays of the message's single ArrayRecord become the model's parameters (shapes must
 * match the model's tensors: a linear model's {@code (r, d)} weights and {@code (r,)} intercept, an MLP's
 * {@code (out, in)} weights and {@code (out,)} biases per layer), the client runs local minibatch SGD on its own rows
 * (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data", ClientUpdate —
 * botsec-federated's {@code LocalTrainer}) and replies {@code arrays} (same keys, shapes and dtypes) and
 * {@code metrics} = {@code train_loss}, {@code num-examples}: the weight Flower's FedAvg averages by. A
 * {@code config} record's {@code lr} and {@code local-epochs} override the client's defaults for that round.
 * {@code evaluate} messages: replies {@code metrics} = {@code eval_loss}, {@code eval_acc}, {@code num-examples} on
 * the client's test rows. These are the keys of Flower's own app templates; all replies in a round must carry the
 * same keys or Flower's strategy refuses to aggregate. Any other message type, and any message whose objects fail
 * their checks, gets an error reply (code 2, the reason) and is logged; the loop goes on.
 *
 * <p>Security guarantees: every call carries the signed node-auth metadata ({@link FlowerNodeKey}); pulled objects
 * are verified against their content hash before use and bounded in size (array chunks ≤ 5 MiB, other objects ≤
 * 1 MiB, a message's arrays ≤ {@code maxArrayValues} values) before allocation. Without TLS ({@code insecure}) the
 * model updates travel in clear text.
 */
public final class FlowerClient {
    private static final Logger LOG = LoggerFactory.getLogger(FlowerClient.class);
    /** Flower's error code for an exception in the client app. */
    public static final int ERROR_CLIENT_APP_RAISED_EXCEPTION = 2;
    private static final int MAX_OBJECTS = 100_000;
    /** The ConfigRecord that carries Flower's SecAgg/SecAgg+ stages (flwr.common.secure_aggregation). */
    static final String SECAGGPLUS_CONFIGS = "secaggplus_configs";
    /** Flower 1.23's RegisterNode refusal when the SuperLink runs with {@code --enable-supernode-auth}. */
    static final String AUTH_ENABLED_HINT = "must be registered via the CLI";
    /** Flower 1.23's ActivateNode refusal for a public key it has not registered. */
    static final String UNKNOWN_KEY_HINT = "No SuperNode found with the given public key";
    private static final int MAX_INBOUND_BYTES = FlowerRecords.MAX_CHUNK_BYTES + 4 * 1024 * 1024;

    private final Builder b;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean leaving = new AtomicBoolean();

    private FlowerClient(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Asks a running {@link #run()} to stop after the message it is handling. */
    public void stop() {
        stop.set(true);
    }

    /**
     * Joins the SuperLink and handles messages until {@code maxMessages} were handled, no message came for
     * {@code idleTimeout}, or {@link #stop()}; then deactivates the node (and unregisters it when the key was
     * generated for this run).
     *
     * @throws FlowerException when the SuperLink refuses the node or cannot be reached
     */
    public FlowerRunSummary run() {
        leaving.set(false);
        ManagedChannel owned = null;
        io.grpc.Channel base;
        if (b.channel != null) {
            base = b.channel;
        } else {
            owned = openChannel();
            base = owned;
        }
        FlowerNodeKey key = b.nodeKey != null ? b.nodeKey : FlowerNodeKey.generate();
        boolean ephemeral = b.nodeKey == null;
        FleetGrpc.FleetBlockingStub stub = FleetGrpc.newBlockingStub(
                ClientInterceptors.intercept(base, new NodeAuthInterceptor(key, b.clock)));
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flower-heartbeat");
            t.setDaemon(true);
            return t;
        });
        List<FlowerEvent> events = new ArrayList<>();
        long nodeId = -1;
        try {
            com.google.protobuf.ByteString pk = com.google.protobuf.ByteString.copyFrom(key.publicKeyPem());
            try {
                call(stub).registerNode(RegisterNodeFleetRequest.newBuilder().setPublicKey(pk).build());
            } catch (StatusRuntimeException e) {
                boolean authOn = described(e).contains(AUTH_ENABLED_HINT);
                if (ephemeral && authOn) {
                    throw new FlowerException("SuperLink " + b.target() + " only accepts registered node keys "
                            + "(--enable-supernode-auth): give a node key whose public key was registered with "
                            + "`flwr supernode register KEY.pub`", e);
                }
                if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                    throw new FlowerException("cannot reach SuperLink " + b.target() + ": " + describe(e), e);
                }
                if (ephemeral || e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
                    throw new FlowerException("SuperLink " + b.target() + " refused RegisterNode: " + describe(e), e);
                }
                LOG.info(authOn ? "SuperLink registers node keys through its CLI; activating this key"
                        : "node key already registered with the SuperLink; activating it");
            }
            try {
                nodeId = call(stub).activateNode(ActivateNodeRequest.newBuilder().setPublicKey(pk)
                        .setHeartbeatInterval(b.heartbeatInterval.toMillis() / 1000.0).build()).getNodeId();
            } catch (StatusRuntimeException e) {
                if (described(e).contains(UNKNOWN_KEY_HINT)) {
                    throw new FlowerException("SuperLink " + b.target() + " does not know this node key (public key "
                            + "SHA-256 " + ObjectContent.sha256Hex(key.publicKeyPem()).substring(0, 16) + "…); with "
                            + "--enable-supernode-auth register it first: flwr supernode register KEY.pub", e);
                }
                throw new FlowerException("SuperLink " + b.target() + " refused ActivateNode: " + describe(e), e);
            }
            LOG.info("joined SuperLink {} as node {}", b.target(), Long.toUnsignedString(nodeId));
            Node node = Node.newBuilder().setNodeId(nodeId).build();
            heartbeat.scheduleAtFixedRate(() -> sendHeartbeat(stub, node), b.heartbeatInterval.toMillis(),
                    b.heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
            loop(stub, node, events);
            if (b.maxMessages > 0 && events.size() >= b.maxMessages && !stop.get() && !b.linger.isZero()) {
                // the SuperLink answers "node unavailable" for the replies of a node that went offline before the
                // ServerApp collected them, so stay online (heartbeats keep running) for a while after the last one
                LOG.info("staying online {} s so the ServerApp can collect the last reply", b.linger.toSeconds());
                sleep(b.linger);
            }
        } finally {
            leaving.set(true); // a heartbeat cut short by the shutdown below is not worth a warning
            heartbeat.shutdownNow();
            if (nodeId != -1) {
                try {
                    call(stub).deactivateNode(DeactivateNodeRequest.newBuilder().setNodeId(nodeId).build());
                    if (ephemeral) {
                        call(stub).unregisterNode(UnregisterNodeFleetRequest.newBuilder().setNodeId(nodeId).build());
                    }
                } catch (StatusRuntimeException e) {
                    LOG.warn("leaving the SuperLink failed: {}", describe(e));
                }
            }
            if (owned != null) {
                owned.shutdownNow();
            }
        }
        return new FlowerRunSummary(nodeId, events, b.seed);
    }

    private ManagedChannel openChannel() {
        ChannelCredentials creds;
        if (b.insecure) {
            creds = InsecureChannelCredentials.create();
        } else {
            try {
                creds = TlsChannelCredentials.newBuilder().trustManager(b.rootCertificates.toFile()).build();
            } catch (IOException e) {
                throw BadInputException.of("cannot read root certificates %s: %s", b.rootCertificates,
                        e.getMessage());
            }
        }
        return Grpc.newChannelBuilder(b.target(), creds).maxInboundMessageSize(MAX_INBOUND_BYTES).build();
    }

    private FleetGrpc.FleetBlockingStub call(FleetGrpc.FleetBlockingStub stub) {
        return stub.withDeadlineAfter(b.callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendHeartbeat(FleetGrpc.FleetBlockingStub stub, Node node) {
        try {
            boolean ok = call(stub).sendNodeHeartbeat(SendNodeHeartbeatRequest.newBuilder().setNode(node)
                    .setHeartbeatInterval(b.heartbeatInterval.toMillis() / 1000.0).build()).getSuccess();
            if (!ok) {
                LOG.warn("SuperLink did not accept the heartbeat of node {}", Long.toUnsignedString(node.getNodeId()));
            }
        } catch (StatusRuntimeException e) {
            if (!leaving.get()) {
                LOG.warn("heartbeat failed: {}", describe(e));
            }
        } catch (RuntimeException e) {
            if (!leaving.get()) {
                LOG.warn("heartbeat failed: {}", e.toString());
            }
        }
    }

    private void loop(FleetGrpc.FleetBlockingStub stub, Node node, List<FlowerEvent> events) {
        long lastActivity = System.nanoTime();
        int failures = 0;
        while (!stop.get() && (b.maxMessages == 0 || events.size() < b.maxMessages)) {
            PullMessagesResponse resp;
            try {
                resp = call(stub).pullMessages(PullMessagesRequest.newBuilder().setNode(node).build());
                failures = 0;
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                if ((c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED)
                        && ++failures <= b.maxConnectionFailures) {
                    LOG.warn("PullMessages failed ({}), retrying ({} of {})", describe(e), failures,
                            b.maxConnectionFailures);
                    sleep(b.pollInterval);
                    continue;
                }
                throw new FlowerException("SuperLink " + b.target() + " failed PullMessages: " + describe(e), e);
            }
            if (resp.getMessagesListCount() == 0) {
                if (b.idleTimeout.isPresent()
                        && System.nanoTime() - lastActivity > b.idleTimeout.get().toNanos()) {
                    LOG.info("no message for {} s; leaving", b.idleTimeout.get().toSeconds());
                    return;
                }
                sleep(b.pollInterval);
                continue;
            }
            if (resp.getMessageObjectTreesCount() < 1) {
                LOG.warn("SuperLink sent a message without its object tree; skipped");
                continue;
            }
            FlowerEvent ev = handle(stub, node, resp.getMessagesList(0), resp.getMessageObjectTrees(0));
            events.add(ev);
            if (b.listener != null) {
                b.listener.accept(ev);
            }
            lastActivity = System.nanoTime();
        }
    }

    private FlowerEvent handle(FleetGrpc.FleetBlockingStub stub, Node node, Message pulled, ObjectTree tree) {
        Metadata md = pulled.getMetadata();
        long runId = md.getRunId();
        String type = md.getMessageType();
        LOG.info("[run {}] received {} message {}", Long.toUnsignedString(runId), type, md.getMessageId());
        Optional<String> error = Optional.empty();
        Map<String, Map<String, FlowerArray>> arrays = new LinkedHashMap<>();
        Map<String, Map<String, ? extends Number>> metrics = new LinkedHashMap<>();
        Map<String, Double> shown = new LinkedHashMap<>();
        String round = md.getGroupId();
        try {
            if (!md.getMessageId().equals(tree.getObjectId())) {
                throw BadInputException.of("message ID %s differs from its object tree's root %s",
                        md.getMessageId(), tree.getObjectId());
            }
            Map<String, ObjectContent> objects = pullObjects(stub, node, runId, tree);
            confirm(stub, node, runId, md.getMessageId());
            FlowerRecords.Decoded decoded = FlowerRecords.decode(tree, objects, b.maxArrayValues);
            if (decoded.error().isPresent()) {
                throw BadInputException.of("message carries an error (code %d) instead of content",
                        decoded.error().get().getCode());
            }
            Map<String, Object> secAgg = decoded.content().configRecords().get(SECAGGPLUS_CONFIGS);
            if (secAgg != null) {
                // never answer a secure-aggregation stage with unmasked arrays: the ServerApp would sum them as masked
                throw BadInputException.of("message is stage '%s' of Flower's SecAgg+ protocol (ServerApp "
                        + "SecAggPlusWorkflow, client mod secaggplus_mod), which the BotSec client does not implement; "
                        + "run this node in a federation without secure aggregation", secAgg.getOrDefault("stage", "?"));
            }
            Object serverRound = config(decoded.content()).get("server-round");
            if (serverRound instanceof Number n) {
                round = Long.toString(n.longValue());
            }
            Map<String, Number> m;
            if (type.equals("train") || type.startsWith("train.")) {
                Map.Entry<String, Map<String, FlowerArray>> in = arrayRecord(decoded.content());
                double[] global = parameters(in.getValue());
                Map<String, Object> config = config(decoded.content());
                double lr = number(config, "lr").orElse(b.learningRate);
                int epochs = (int) Math.round(number(config, "local-epochs").orElse((double) b.localEpochs));
                if (!(lr > 0 && Double.isFinite(lr)) || epochs < 1 || epochs > 1000) {
                    throw BadInputException.of("config lr must be > 0 and local-epochs in 1..1000, got %s and %d",
                            lr, epochs);
                }
                double[] local = train(global, lr, epochs, roundSeed(md, config));
                arrays.put(in.getKey(), withValues(in.getValue(), local));
                Evaluation e = evaluate(local, b.trainData);
                m = new LinkedHashMap<>();
                m.put("train_loss", e.logLoss());
                m.put("num-examples", b.trainData.size());
            } else if (type.equals("evaluate") || type.startsWith("evaluate.")) {
                double[] global = parameters(arrayRecord(decoded.content()).getValue());
                Evaluation e = evaluate(global, b.testData);
                m = new LinkedHashMap<>();
                m.put("eval_loss", e.logLoss());
                m.put("eval_acc", e.accuracy());
                m.put("num-examples", b.testData.size());
            } else {
                throw BadInputException.of("message type '%s' is not handled by the BotSec client (train, evaluate)",
                        type);
            }
            metrics.put("metrics", m);
            m.forEach((k, v) -> shown.put(k, v.doubleValue()));
        } catch (BadInputException e) {
            LOG.warn("[run {} round {}] {} message {}: {}; replying with an error", Long.toUnsignedString(runId),
                    round, type, md.getMessageId(), e.getMessage());
            error = Optional.of(e.getMessage());
        } catch (StatusRuntimeException e) {
            LOG.warn("[run {}] pulling message {} failed: {}", Long.toUnsignedString(runId), md.getMessageId(),
                    describe(e));
            return new FlowerEvent(type, round, Optional.of("pull failed: " + describe(e)), Map.of(), false);
        } catch (RuntimeException e) {
            // a fault in our own handling must not end the node: answer the message with the fault's class
            LOG.error("[run {}] handling {} message {} failed", Long.toUnsignedString(runId), type,
                    md.getMessageId(), e);
            error = Optional.of("BotSec client failed: " + e.getClass().getSimpleName());
        }
        boolean replied = reply(stub, node, md, round, error, arrays, metrics);
        return new FlowerEvent(type, round, error, shown, replied);
    }

    private Map<String, ObjectContent> pullObjects(FleetGrpc.FleetBlockingStub stub, Node node, long runId,
                                                   ObjectTree tree) {
        Map<String, ObjectContent> objects = new LinkedHashMap<>();
        long maxBytes = b.maxArrayValues * 8 + 64L * 1024 * 1024;
        long bytes = 0;
        for (String id : FlowerRecords.postOrder(tree, MAX_OBJECTS)) {
            PullObjectResponse r = null;
            for (int attempt = 0; attempt < b.maxObjectAttempts; attempt++) {
                r = call(stub).pullObject(PullObjectRequest.newBuilder().setNode(node).setRunId(runId)
                        .setObjectId(id).build());
                if (!r.getObjectFound() || r.getObjectAvailable()) {
                    break;
                }
                sleep(b.pollInterval);
            }
            if (r == null || !r.getObjectFound()) {
                throw BadInputException.of("object %s of the message is not in the SuperLink's store", id);
            }
            if (!r.getObjectAvailable()) {
                throw BadInputException.of("object %s did not become available after %d attempts", id,
                        b.maxObjectAttempts);
            }
            bytes += r.getObjectContent().size();
            if (bytes > maxBytes) {
                throw BadInputException.of("message objects exceed %d bytes (the array limit of %d values)", maxBytes,
                        b.maxArrayValues);
            }
            objects.put(id, ObjectContent.parse(id, r.getObjectContent().toByteArray(), FlowerRecords.MAX_CHUNK_BYTES));
        }
        return objects;
    }

    private void confirm(FleetGrpc.FleetBlockingStub stub, Node node, long runId, String messageId) {
        call(stub).confirmMessageReceived(ConfirmMessageReceivedRequest.newBuilder().setNode(node).setRunId(runId)
                .setMessageObjectId(messageId).build());
    }

    private boolean reply(FleetGrpc.FleetBlockingStub stub, Node node, Metadata in, String round,
                          Optional<String> error,
                          Map<String, Map<String, FlowerArray>> arrays,
                          Map<String, Map<String, ? extends Number>> metrics) {
        double now = b.clock.millis() / 1000.0;
        double ttl = in.getCreatedAt() + in.getTtl() - now;
        if (ttl <= 0) {
            LOG.warn("message {} expired before the reply was ready; no reply sent", in.getMessageId());
            return false;
        }
        Metadata md = Metadata.newBuilder().setRunId(in.getRunId()).setSrcNodeId(in.getDstNodeId())
                .setDstNodeId(in.getSrcNodeId()).setReplyToMessageId(in.getMessageId()).setGroupId(in.getGroupId())
                .setCreatedAt(now).setTtl(ttl).setMessageType(in.getMessageType()).build();
        Optional<org.botsec.flower.internal.proto.Error> err = error.map(r -> org.botsec.flower.internal.proto.Error
                .newBuilder().setCode(ERROR_CLIENT_APP_RAISED_EXCEPTION).setReason(r).build());
        FlowerRecords.Encoded enc = FlowerRecords.encode(md, err, arrays, metrics);
        Message.Builder proto = Message.newBuilder().setMetadata(md.toBuilder().setMessageId(enc.messageId()));
        if (err.isPresent()) {
            proto.setError(err.get());
        } else {
            proto.setContent(RecordDict.getDefaultInstance());
        }
        try {
            PushMessagesResponse r = call(stub).pushMessages(PushMessagesRequest.newBuilder().setNode(node)
                    .addMessagesList(proto).addMessageObjectTrees(enc.tree()).build());
            java.util.Set<String> wanted = new java.util.HashSet<>(r.getObjectsToPushList());
            for (Map.Entry<String, byte[]> o : enc.objects().entrySet()) {
                if (!wanted.contains(o.getKey())) {
                    continue;
                }
                boolean stored = call(stub).pushObject(PushObjectRequest.newBuilder().setNode(node)
                        .setRunId(in.getRunId()).setObjectId(o.getKey())
                        .setObjectContent(com.google.protobuf.ByteString.copyFrom(o.getValue())).build()).getStored();
                if (!stored) {
                    LOG.warn("SuperLink did not store object {} of the reply", o.getKey());
                }
            }
            LOG.info("[run {} round {}] sent {} reply{}", Long.toUnsignedString(in.getRunId()), round,
                    in.getMessageType(), error.isPresent() ? " (error)" : "");
            return true;
        } catch (StatusRuntimeException e) {
            LOG.warn("pushing the reply to {} failed: {}", in.getMessageId(), describe(e));
            return false;
        }
    }

    // ---- training --------------------------------------------------------------------------------------------------

    private static Map.Entry<String, Map<String, FlowerArray>> arrayRecord(FlowerRecords.Content c) {
        Map<String, Map<String, FlowerArray>> recs = c.arrayRecords();
        if (recs.size() == 1) {
            return recs.entrySet().iterator().next();
        }
        if (recs.containsKey("arrays")) {
            return Map.entry("arrays", recs.get("arrays"));
        }
        throw BadInputException.of("message must carry one ArrayRecord (or one named 'arrays'), got %d", recs.size());
    }

    private static Map<String, Object> config(FlowerRecords.Content c) {
        if (c.configRecords().containsKey("config")) {
            return c.configRecords().get("config");
        }
        return c.configRecords().size() == 1 ? c.configRecords().values().iterator().next() : Map.of();
    }

    private static Optional<Double> number(Map<String, Object> config, String key) {
        Object v = config.get(key);
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    private long roundSeed(Metadata md, Map<String, Object> config) {
        long round = number(config, "server-round").map(Double::longValue).orElseGet(() -> {
            try {
                return Long.parseLong(md.getGroupId());
            } catch (NumberFormatException e) {
                return 0L;
            }
        });
        return b.seed * 0x9E3779B97F4A7C15L + round;
    }

    /** The model's tensor shapes in parameter order. */
    static List<int[]> tensorShapes(Model model) {
        List<int[]> shapes = new ArrayList<>();
        if (model instanceof LinearModel l) {
            shapes.add(new int[] {l.coefRows(), l.numFeatures()});
            shapes.add(new int[] {l.coefRows()});
        } else if (model instanceof Mlp m) {
            int[] sizes = m.layerSizes();
            for (int i = 0; i + 1 < sizes.length; i++) {
                shapes.add(new int[] {sizes[i + 1], sizes[i]});
                shapes.add(new int[] {sizes[i + 1]});
            }
        } else {
            throw new IllegalArgumentException("unsupported model " + model.getClass().getName());
        }
        return shapes;
    }

    private double[] parameters(Map<String, FlowerArray> record) {
        List<int[]> expected = tensorShapes(b.model);
        if (record.size() != expected.size()) {
            throw BadInputException.of("the model has %d tensors (%s), the message carries %d arrays",
                    expected.size(), shapesText(expected), record.size());
        }
        double[] out = new double[((PerExampleGradients) b.model).numParameters()];
        int offset = 0;
        int i = 0;
        for (Map.Entry<String, FlowerArray> e : record.entrySet()) {
            int[] want = expected.get(i++);
            FlowerArray a = e.getValue();
            if (!a.dtype().floating()) {
                throw BadInputException.of("array '%s' has dtype %s; the model's tensors take float64 or float32",
                        e.getKey(), a.dtype().flowerName());
            }
            if (!Arrays.equals(a.shape(), want)) {
                throw BadInputException.of("array '%s' has shape %s, the model's tensor %d has %s", e.getKey(),
                        Arrays.toString(a.shape()), i - 1, Arrays.toString(want));
            }
            double[] v = a.values();
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw BadInputException.of("array '%s' contains NaN or infinite values", e.getKey());
                }
            }
            System.arraycopy(v, 0, out, offset, v.length);
            offset += v.length;
        }
        return out;
    }

    private static String shapesText(List<int[]> shapes) {
        return String.join(", ", shapes.stream().map(Arrays::toString).toList());
    }

    private static Map<String, FlowerArray> withValues(Map<String, FlowerArray> in, double[] params) {
        Map<String, FlowerArray> out = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, FlowerArray> e : in.entrySet()) {
            FlowerArray a = e.getValue();
            int n = a.size();
            out.put(e.getKey(), FlowerArray.ofDoubles(a.dtype(), a.shape(), Arrays.copyOfRange(params, offset,
                    offset + n)));
            offset += n;
        }
        return out;
    }

    private double[] train(double[] global, double lr, int epochs, long seed) {
        PerExampleGradients m = (PerExampleGradients) Models.copy(b.model, null);
        LocalTrainer trainer = new LocalTrainer(m);
        int[] rows = new int[b.trainData.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        double[] delta = new double[global.length];
        trainer.train(b.trainData, rows, global, epochs, b.batchSize, lr, 0.0, new SplittableRandom(seed), delta);
        double[] local = new double[global.length];
        for (int j = 0; j < local.length; j++) {
            local[j] = global[j] + delta[j];
        }
        return local;
    }

    private Evaluation evaluate(double[] params, Dataset data) {
        Model copy = Models.copy(b.model, null);
        ((PerExampleGradients) copy).setParameters(params);
        return Evaluation.of(data.y(), ((Classifier) copy).predictProba(data.x()), data.classNames());
    }

    /**
     * One line: the status code, the first line of its description and, for transport failures, the innermost cause
     * (a TLS handshake failure names the certificate problem there, not in the status).
     */
    String describe(StatusRuntimeException e) {
        String d = described(e);
        StringBuilder s = new StringBuilder(e.getStatus().getCode().toString());
        if (!d.isEmpty()) {
            s.append(' ').append(d.lines().findFirst().orElse(""));
        }
        Throwable root = e.getStatus().getCause();
        boolean tls = false;
        for (int depth = 0; root != null && depth < 20; depth++) {
            tls |= root instanceof javax.net.ssl.SSLException || root instanceof java.security.GeneralSecurityException;
            if (root.getCause() == null || root.getCause() == root) {
                break;
            }
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null) {
            String m = root.getMessage().lines().findFirst().orElse("");
            if (!m.isEmpty() && !d.contains(m)) {
                s.append(" (").append(root.getClass().getSimpleName()).append(": ").append(m).append(')');
            }
            if (tls) {
                s.append("; is --root-certificates the CA that signed the SuperLink's certificate, and does the "
                        + "certificate name this host?");
            }
        } else if (b.insecure && e.getStatus().getCode() == Status.Code.UNAVAILABLE && d.contains("Network closed")) {
            s.append(" (a TLS SuperLink answers plain-text clients this way: use --root-certificates instead of "
                    + "--insecure)");
        }
        return s.toString();
    }

    private static String described(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return d == null ? "" : d;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowerException("interrupted", e);
        }
    }

    /** Builds a {@link FlowerClient}; each setting may be made once. */
    public static final class Builder {
        private String superlink;
        private ManagedChannel channel;
        private Boolean insecureSet;
        private boolean insecure;
        private Path rootCertificates;
        private Model model;
        private Dataset trainData;
        private Dataset testData;
        private Integer localEpochsSet;
        private int localEpochs = 1;
        private Integer batchSizeSet;
        private int batchSize = 32;
        private Double learningRateSet;
        private double learningRate = 0.1;
        private Long seedSet;
        private long seed = 1L;
        private FlowerNodeKey nodeKey;
        private Duration heartbeatIntervalSet;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration pollIntervalSet;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration callTimeout = Duration.ofSeconds(60);
        private Integer maxMessagesSet;
        private int maxMessages;
        private Optional<Duration> idleTimeout = Optional.empty();
        private boolean idleTimeoutSet;
        private long maxArrayValues = 50_000_000L;
        private boolean maxArrayValuesSet;
        private int maxObjectAttempts = 30;
        private int maxConnectionFailures = 30;
        private Duration linger = Duration.ofSeconds(15);
        private boolean lingerSet;
        private Clock clock = Clock.systemUTC();
        private boolean clockSet;
        private Consumer<FlowerEvent> listener;

        private Builder() {
        }

        private static void once(Object current, String name) {
            if (current != null) {
                throw new IllegalStateException(name + " was already set");
            }
        }

        /** The SuperLink's Fleet API address, {@code HOST:PORT} (Flower's default port is 9092). */
        public Builder superlink(String hostPort) {
            once(superlink, "superlink");
            this.superlink = hostPort;
            return this;
        }

        /** An existing channel instead of {@link #superlink} (tests, custom transport); the caller closes it. */
        public Builder channel(ManagedChannel c) {
            once(channel, "channel");
            this.channel = c;
            return this;
        }

        /** Plain-text gRPC (Flower's {@code --insecure}); otherwise give {@link #rootCertificates}. */
        public Builder insecure(boolean v) {
            once(insecureSet, "insecure");
            insecureSet = v;
            insecure = v;
            return this;
        }

        /** PEM root certificates that the SuperLink's TLS certificate chains to. */
        public Builder rootCertificates(Path pem) {
            once(rootCertificates, "rootCertificates");
            rootCertificates = pem;
            return this;
        }

        /** The model whose structure the federation trains (a LinearModel or an Mlp); its parameters are ignored. */
        public Builder model(Model m) {
            once(model, "model");
            model = m;
            return this;
        }

        /** This node's training rows. */
        public Builder trainData(Dataset d) {
            once(trainData, "trainData");
            trainData = d;
            return this;
        }

        /** This node's evaluation rows. */
        public Builder testData(Dataset d) {
            once(testData, "testData");
            testData = d;
            return this;
        }

        public Builder localEpochs(int e) {
            once(localEpochsSet, "localEpochs");
            localEpochsSet = e;
            localEpochs = e;
            return this;
        }

        public Builder batchSize(int bs) {
            once(batchSizeSet, "batchSize");
            batchSizeSet = bs;
            batchSize = bs;
            return this;
        }

        public Builder learningRate(double lr) {
            once(learningRateSet, "learningRate");
            learningRateSet = lr;
            learningRate = lr;
            return this;
        }

        /** Seed of the local minibatch shuffling (combined with the server round). */
        public Builder seed(long s) {
            once(seedSet, "seed");
            seedSet = s;
            seed = s;
            return this;
        }

        /** A registered or persistent node key; without one a fresh key is registered and unregistered at the end. */
        public Builder nodeKey(FlowerNodeKey k) {
            once(nodeKey, "nodeKey");
            nodeKey = k;
            return this;
        }

        /** Heartbeat period (Flower's default 30 s; the SuperLink accepts 10 s to 30 min). */
        public Builder heartbeatInterval(Duration d) {
            once(heartbeatIntervalSet, "heartbeatInterval");
            heartbeatIntervalSet = d;
            heartbeatInterval = d;
            return this;
        }

        /** Wait between polls when no message is pending. */
        public Builder pollInterval(Duration d) {
            once(pollIntervalSet, "pollInterval");
            pollIntervalSet = d;
            pollInterval = d;
            return this;
        }

        /** Stop after this many messages (0: no limit). */
        public Builder maxMessages(int n) {
            once(maxMessagesSet, "maxMessages");
            maxMessagesSet = n;
            maxMessages = n;
            return this;
        }

        /** Leave after this long without a message. */
        public Builder idleTimeout(Duration d) {
            if (idleTimeoutSet) {
                throw new IllegalStateException("idleTimeout was already set");
            }
            idleTimeoutSet = true;
            idleTimeout = Optional.of(d);
            return this;
        }

        /**
         * How long the node stays online after its last reply before it leaves (default 15 s): the SuperLink turns
         * the uncollected replies of a node that went offline into "node unavailable" errors.
         */
        public Builder linger(Duration d) {
            if (lingerSet) {
                throw new IllegalStateException("linger was already set");
            }
            lingerSet = true;
            linger = d;
            return this;
        }

        /** Bound on the values of one message's arrays (default 50 million). */
        public Builder maxArrayValues(long n) {
            if (maxArrayValuesSet) {
                throw new IllegalStateException("maxArrayValues was already set");
            }
            maxArrayValuesSet = true;
            maxArrayValues = n;
            return this;
        }

        /** The clock of the signed timestamps and reply times. */
        public Builder clock(Clock c) {
            if (clockSet) {
                throw new IllegalStateException("clock was already set");
            }
            clockSet = true;
            clock = c;
            return this;
        }

        /** Called after each handled message (from the thread running {@link #run()}). */
        public Builder listener(Consumer<FlowerEvent> l) {
            once(listener, "listener");
            listener = l;
            return this;
        }

        String target() {
            return channel != null ? "(given channel)" : superlink;
        }

        public FlowerClient build() {
            if ((superlink == null) == (channel == null)) {
                throw new BadInputException("give exactly one of superlink HOST:PORT and channel");
            }
            if (superlink != null) {
                int colon = superlink.lastIndexOf(':');
                boolean portOk = false;
                if (colon > 0) {
                    try {
                        int p = Integer.parseInt(superlink.substring(colon + 1));
                        portOk = p > 0 && p < 65536;
                    } catch (NumberFormatException ignored) {
                        portOk = false;
                    }
                }
                if (!portOk) {
                    throw BadInputException.of("superlink must be HOST:PORT (e.g. 127.0.0.1:9092), got '%s'",
                            superlink);
                }
                if (!insecure && rootCertificates == null) {
                    throw new BadInputException("give root certificates for TLS, or insecure for plain text");
                }
                if (insecure && rootCertificates != null) {
                    throw new BadInputException("insecure and root certificates exclude each other");
                }
            }
            if (model == null || trainData == null || testData == null) {
                throw new BadInputException("model, trainData and testData are required");
            }
            try {
                Models.check(model);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            if (trainData.numFeatures() != testData.numFeatures()
                    || ((Classifier) model).classNames().size() != trainData.numClasses()) {
                throw BadInputException.of("data (%d features, %d classes) does not fit the model",
                        trainData.numFeatures(), trainData.numClasses());
            }
            if (tensorShapes(model).get(0)[1] != trainData.numFeatures()) {
                throw BadInputException.of("the model takes %d features, the data has %d",
                        tensorShapes(model).get(0)[1], trainData.numFeatures());
            }
            if (trainData.size() < 1 || testData.size() < 1) {
                throw new BadInputException("train and test data need at least one row each");
            }
            if (localEpochs < 1 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw BadInputException.of("local epochs and batch size must be >= 1 and the learning rate > 0, "
                        + "got %d, %d, %s", localEpochs, batchSize, learningRate);
            }
            if (maxMessages < 0 || maxArrayValues < 1) {
                throw new BadInputException("maxMessages must be >= 0 and maxArrayValues >= 1");
            }
            if (heartbeatInterval.toMillis() < 1 || pollInterval.isNegative() || linger.isNegative()) {
                throw new BadInputException("heartbeat interval must be positive and poll interval >= 0");
            }
            return new FlowerClient(this);
        }
    }
}
