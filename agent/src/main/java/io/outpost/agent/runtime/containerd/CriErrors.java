package io.outpost.agent.runtime.containerd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What a failed CRI call says: its gRPC code and containerd's description, for messages that
 * reach a pod's status or the log; and the calls whose NOT_FOUND means done (removing what is
 * already gone, as kubelet treats it).
 */
final class CriErrors {

    private CriErrors() {
    }

    /** {@code CODE: description} of a gRPC failure, else the exception's message. */
    static String message(Exception e) {
        if (e instanceof StatusRuntimeException s) {
            String d = s.getStatus().getDescription();
            return s.getStatus().getCode() + (d == null ? "" : ": " + d);
        }
        return String.valueOf(e.getMessage());
    }

    /** Runs {@code call}; NOT_FOUND is success (it is gone already), any other failure is thrown. */
    static void ignoreNotFound(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }
}
