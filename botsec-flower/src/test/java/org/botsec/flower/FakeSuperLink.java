package org.botsec.flower;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.botsec.flower.internal.proto.ActivateNodeRequest;
import org.botsec.flower.internal.proto.ActivateNodeResponse;
import org.botsec.flower.internal.proto.ConfirmMessageReceivedRequest;
import org.botsec.flower.internal.proto.ConfirmMessageReceivedResponse;
import org.botsec.flower.internal.proto.DeactivateNodeRequest;
import org.botsec.flower.internal.proto.DeactivateNodeResponse;
import org.botsec.flower.internal.proto.FleetGrpc;
import org.botsec.flower.internal.proto.Message;
import org.botsec.flower.internal.proto.ObjectTree;
import org.botsec.flower.internal.proto.PullMessagesRequest;
import org.botsec.flower.internal.proto.PullMessagesResponse;
import org.botsec.flower.internal.proto.PullObjectRequest;
import org.botsec.flower.internal.proto.PullObjectResponse;
import org.botsec.flower.internal.proto.PushMessagesRequest;
import org.botsec.flower.internal.proto.PushMessagesResponse;
import org.botsec.flower.internal.proto.PushObjectRequest;
import org.botsec.flower.internal.proto.PushObjectResponse;
import org.botsec.flower.internal.proto.RegisterNodeFleetRequest;
import org.botsec.flower.internal.proto.RegisterNodeFleetResponse;
import org.botsec.flower.internal.proto.SendNodeHeartbeatRequest;
import org.botsec.flower.internal.proto.SendNodeHeartbeatResponse;
import org.botsec.flower.internal.proto.UnregisterNodeFleetRequest;
import org.botsec.flower.internal.proto.UnregisterNodeFleetResponse;

/**
 * An in-process stand-in for a Flower SuperLink's Fleet API, written for the tests from the protocol facts in
 * REFERENCES.md: it verifies the node-auth metadata of every call with the JDK's ECDSA (not Tink, which the client
 * signs with), refuses a second RegisterNode for a key (FAILED_PRECONDITION), serves queued messages and their objects,
 * and checks every pushed object against its ID with its own SHA-256.
 *
 * <p>With {@link #enableSupernodeAuth} it behaves as Flower 1.23's {@code flower-superlink --enable-supernode-auth}
 * (read from its {@code FleetServicer} and {@code NodeAuthServerInterceptor}): RegisterNode and UnregisterNode are
 * refused with FAILED_PRECONDITION (keys are registered through the Control API, {@link #registerViaCli}), and
 * ActivateNode of a key it does not hold is refused with FAILED_PRECONDITION "No SuperNode found with the given public
 * key." Keys are compared as bytes, as Flower compares the {@code flwr-public-key-bin} header with the stored PEM.
 */
final class FakeSuperLink extends FleetGrpc.FleetImplBase {
    static final Context.Key<ByteString> CALLER = Context.key("caller-public-key");

    record Reply(long nodeId, Message proto, ObjectTree tree) {
    }

    private final Clock clock;
    final Map<ByteString, Long> nodeByKey = new ConcurrentHashMap<>();
    final Map<Long, ByteString> keyByNode = new ConcurrentHashMap<>();
    final Map<Long, Boolean> active = new ConcurrentHashMap<>();
    final Map<Long, Deque<SpecObjects.Built>> inbox = new ConcurrentHashMap<>();
    final Map<String, byte[]> store = new ConcurrentHashMap<>();
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final List<Reply> replies = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger verifiedCalls = new AtomicInteger();
    final AtomicInteger rejectedCalls = new AtomicInteger();
    final AtomicInteger heartbeats = new AtomicInteger();
    final AtomicInteger confirms = new AtomicInteger();
    final AtomicInteger unregistered = new AtomicInteger();
    final AtomicInteger registerCalls = new AtomicInteger();
    final AtomicInteger unregisterCalls = new AtomicInteger();
    private final AtomicLong nextNode = new AtomicLong(1000);
    volatile boolean enableSupernodeAuth;

    /** What {@code flwr supernode register KEY.pub} does: store the PEM bytes Flower derives from the key. */
    long registerViaCli(byte[] publicKeyPem) {
        long id = nextNode.incrementAndGet();
        nodeByKey.put(ByteString.copyFrom(publicKeyPem), id);
        keyByNode.put(id, ByteString.copyFrom(publicKeyPem));
        return id;
    }

    FakeSuperLink(Clock clock) {
        this.clock = clock;
    }

    void enqueue(long nodeId, SpecObjects.Built m) {
        served.putAll(m.objects());
        inbox.computeIfAbsent(nodeId, k -> new ArrayDeque<>()).add(m);
    }

    /** Serve {@code content} under {@code id} (a tampered or oversized object). */
    void serveRaw(String id, byte[] content) {
        served.put(id, content);
    }

    List<Long> activeNodes() {
        List<Long> out = new ArrayList<>();
        active.forEach((k, v) -> {
            if (v) {
                out.add(k);
            }
        });
        Collections.sort(out);
        return out;
    }

    /** Waits until {@code n} replies arrived with all the objects they announced. */
    List<Reply> awaitReplies(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            synchronized (replies) {
                if (replies.size() >= n && replies.stream().allMatch(this::complete)) {
                    return new ArrayList<>(replies);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("only " + replies.size() + " of " + n + " replies arrived; problems " + problems);
    }

    private boolean complete(Reply r) {
        List<ObjectTree> todo = new ArrayList<>(List.of(r.tree()));
        while (!todo.isEmpty()) {
            ObjectTree t = todo.remove(todo.size() - 1);
            if (!store.containsKey(t.getObjectId())) {
                return false;
            }
            todo.addAll(t.getChildrenList());
        }
        return true;
    }

    ServerInterceptor auth() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                byte[] pk = headers.get(Metadata.Key.of("flwr-public-key-bin", Metadata.BINARY_BYTE_MARSHALLER));
                String ts = headers.get(Metadata.Key.of("flwr-timestamp", Metadata.ASCII_STRING_MARSHALLER));
                byte[] sig = headers.get(Metadata.Key.of("flwr-signature-bin", Metadata.BINARY_BYTE_MARSHALLER));
                String why = verify(pk, ts, sig);
                if (why != null) {
                    rejectedCalls.incrementAndGet();
                    call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                verifiedCalls.incrementAndGet();
                Context ctx = Context.current().withValue(CALLER, ByteString.copyFrom(pk));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
    }

    private String verify(byte[] pk, String ts, byte[] sig) {
        if (pk == null || ts == null || sig == null) {
            return "Missing authentication metadata";
        }
        try {
            String pem = new String(pk, StandardCharsets.US_ASCII);
            if (!pem.startsWith("-----BEGIN PUBLIC KEY-----")) {
                return "public key is not PEM";
            }
            String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                    Base64.getDecoder().decode(b64)));
            if (!key.toString().contains("384") && ((java.security.interfaces.ECPublicKey) key).getParams()
                    .getCurve().getField().getFieldSize() != 384) {
                return "not P-384";
            }
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(key);
            v.update(ts.getBytes(StandardCharsets.US_ASCII));
            if (!v.verify(sig)) {
                return "Invalid signature";
            }
            if (!ts.endsWith("+00:00")) {
                return "timestamp is not UTC +00:00: " + ts;
            }
            double skew = Duration.between(OffsetDateTime.parse(ts).toInstant(), clock.instant()).toNanos() / 1e9;
            if (!(skew > -5 && skew < 305)) {
                return "Invalid timestamp";
            }
            return null;
        } catch (Exception e) {
            return "bad auth metadata: " + e;
        }
    }

    private boolean owns(long nodeId, StreamObserver<?> out) {
        ByteString caller = CALLER.get();
        if (caller == null || !caller.equals(keyByNode.get(nodeId))) {
            out.onError(Status.UNAUTHENTICATED.withDescription("Invalid node ID").asRuntimeException());
            return false;
        }
        return true;
    }

    @Override
    public void registerNode(RegisterNodeFleetRequest req, StreamObserver<RegisterNodeFleetResponse> out) {
        registerCalls.incrementAndGet();
        if (enableSupernodeAuth) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("SuperNode authentication is enabled. All "
                    + "SuperNodes must be registered via the CLI.").asRuntimeException());
            return;
        }
        if (!req.getPublicKey().equals(CALLER.get())) {
            out.onError(Status.UNAUTHENTICATED.withDescription("key differs from metadata").asRuntimeException());
            return;
        }
        if (nodeByKey.containsKey(req.getPublicKey())) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("Public key already in use").asRuntimeException());
            return;
        }
        long id = nextNode.incrementAndGet();
        nodeByKey.put(req.getPublicKey(), id);
        keyByNode.put(id, req.getPublicKey());
        out.onNext(RegisterNodeFleetResponse.newBuilder().setNodeId(id).build());
        out.onCompleted();
    }

    @Override
    public void activateNode(ActivateNodeRequest req, StreamObserver<ActivateNodeResponse> out) {
        Long id = nodeByKey.get(req.getPublicKey());
        if (id == null || !req.getPublicKey().equals(CALLER.get())) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("No SuperNode found with the given public key.")
                    .asRuntimeException());
            return;
        }
        if (!(req.getHeartbeatInterval() > 0)) {
            problems.add("heartbeat interval " + req.getHeartbeatInterval());
        }
        active.put(id, true);
        out.onNext(ActivateNodeResponse.newBuilder().setNodeId(id).build());
        out.onCompleted();
    }

    @Override
    public void deactivateNode(DeactivateNodeRequest req, StreamObserver<DeactivateNodeResponse> out) {
        if (owns(req.getNodeId(), out)) {
            active.put(req.getNodeId(), false);
            out.onNext(DeactivateNodeResponse.getDefaultInstance());
            out.onCompleted();
        }
    }

    @Override
    public void unregisterNode(UnregisterNodeFleetRequest req, StreamObserver<UnregisterNodeFleetResponse> out) {
        unregisterCalls.incrementAndGet();
        if (enableSupernodeAuth) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("SuperNode authentication is enabled. All "
                    + "SuperNodes must be unregistered via the CLI.").asRuntimeException());
            return;
        }
        if (owns(req.getNodeId(), out)) {
            ByteString k = keyByNode.remove(req.getNodeId());
            nodeByKey.remove(k);
            unregistered.incrementAndGet();
            out.onNext(UnregisterNodeFleetResponse.getDefaultInstance());
            out.onCompleted();
        }
    }

    @Override
    public void sendNodeHeartbeat(SendNodeHeartbeatRequest req, StreamObserver<SendNodeHeartbeatResponse> out) {
        if (owns(req.getNode().getNodeId(), out)) {
            heartbeats.incrementAndGet();
            out.onNext(SendNodeHeartbeatResponse.newBuilder()
                    .setSuccess(Boolean.TRUE.equals(active.get(req.getNode().getNodeId()))).build());
            out.onCompleted();
        }
    }

    @Override
    public void pullMessages(PullMessagesRequest req, StreamObserver<PullMessagesResponse> out) {
        if (!owns(req.getNode().getNodeId(), out)) {
            return;
        }
        PullMessagesResponse.Builder r = PullMessagesResponse.newBuilder();
        Deque<SpecObjects.Built> q = inbox.get(req.getNode().getNodeId());
        SpecObjects.Built m = q == null ? null : q.poll();
        if (m != null) {
            r.addMessagesList(m.proto()).addMessageObjectTrees(m.tree());
        }
        out.onNext(r.build());
        out.onCompleted();
    }

    @Override
    public void pullObject(PullObjectRequest req, StreamObserver<PullObjectResponse> out) {
        if (!owns(req.getNode().getNodeId(), out)) {
            return;
        }
        byte[] c = served.get(req.getObjectId());
        PullObjectResponse.Builder r = PullObjectResponse.newBuilder();
        if (c != null) {
            r.setObjectFound(true).setObjectAvailable(true).setObjectContent(ByteString.copyFrom(c));
        }
        out.onNext(r.build());
        out.onCompleted();
    }

    @Override
    public void confirmMessageReceived(ConfirmMessageReceivedRequest req,
                                       StreamObserver<ConfirmMessageReceivedResponse> out) {
        if (owns(req.getNode().getNodeId(), out)) {
            confirms.incrementAndGet();
            out.onNext(ConfirmMessageReceivedResponse.getDefaultInstance());
            out.onCompleted();
        }
    }

    @Override
    public void pushMessages(PushMessagesRequest req, StreamObserver<PushMessagesResponse> out) {
        if (!owns(req.getNode().getNodeId(), out)) {
            return;
        }
        Message m = req.getMessagesList(0);
        ObjectTree t = req.getMessageObjectTrees(0);
        if (!m.getMetadata().getMessageId().equals(t.getObjectId())) {
            problems.add("reply message_id " + m.getMetadata().getMessageId() + " is not its tree root");
        }
        if (m.hasContent() == m.hasError()) {
            problems.add("reply must carry exactly one of (empty) content and error");
        }
        List<String> missing = new ArrayList<>();
        List<ObjectTree> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            ObjectTree x = todo.remove(0);
            if (!store.containsKey(x.getObjectId()) && !missing.contains(x.getObjectId())) {
                missing.add(x.getObjectId());
            }
            todo.addAll(x.getChildrenList());
        }
        replies.add(new Reply(req.getNode().getNodeId(), m, t));
        Map<String, Integer> results = new HashMap<>();
        results.put(m.getMetadata().getMessageId(), 0);
        out.onNext(PushMessagesResponse.newBuilder().putAllResults(results).addAllObjectsToPush(missing).build());
        out.onCompleted();
    }

    @Override
    public void pushObject(PushObjectRequest req, StreamObserver<PushObjectResponse> out) {
        if (!owns(req.getNode().getNodeId(), out)) {
            return;
        }
        byte[] c = req.getObjectContent().toByteArray();
        boolean ok = SpecObjects.id(c).equals(req.getObjectId());
        if (!ok) {
            problems.add("pushed object " + req.getObjectId() + " does not hash to its ID");
        } else {
            store.put(req.getObjectId(), c);
        }
        out.onNext(PushObjectResponse.newBuilder().setStored(ok).build());
        out.onCompleted();
    }
}
