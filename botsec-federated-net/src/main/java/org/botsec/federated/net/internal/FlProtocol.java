package org.botsec.federated.net.internal;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import org.botsec.federated.net.proto.JoinReply;
import org.botsec.federated.net.proto.JoinRequest;
import org.botsec.federated.net.proto.Task;
import org.botsec.federated.net.proto.TaskRequest;
import org.botsec.federated.net.proto.Update;
import org.botsec.federated.net.proto.UpdateReply;

/**
 * The coordinator service {@code botsec.fl.v1.Coordinator}: four unary methods over the messages of
 * {@code botsec_fl.proto}. Written by hand (a dozen lines) instead of generated, so the build needs only protoc for
 * the messages and no native gRPC code generator.
 */
public final class FlProtocol {
    public static final String SERVICE = "botsec.fl.v1.Coordinator";
    public static final int VERSION = 1;

    public static final MethodDescriptor<JoinRequest, JoinReply> JOIN = unary("Join",
            JoinRequest.getDefaultInstance(), JoinReply.getDefaultInstance());
    public static final MethodDescriptor<TaskRequest, Task> GET_TASK = unary("GetTask",
            TaskRequest.getDefaultInstance(), Task.getDefaultInstance());
    public static final MethodDescriptor<Update, UpdateReply> SUBMIT_UPDATE = unary("SubmitUpdate",
            Update.getDefaultInstance(), UpdateReply.getDefaultInstance());

    public static final MethodDescriptor<org.botsec.federated.net.proto.SecAggUpload, UpdateReply> SUBMIT_SECAGG =
            unary("SubmitSecAgg", org.botsec.federated.net.proto.SecAggUpload.getDefaultInstance(),
                    UpdateReply.getDefaultInstance());

    private FlProtocol() {
    }

    private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
            MethodDescriptor<Q, R> unary(String name, Q req, R resp) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(req))
                .setResponseMarshaller(ProtoUtils.marshaller(resp))
                .build();
    }
}
