package io.outpost.agent.runtime.containerd;

import java.nio.channels.ClosedChannelException;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * What a failed CRI call says: its gRPC code and containerd's description, for messages that
 * reach a pod's status or the log; and the calls whose NOT_FOUND means done (removing what is
 * already gone, as kubelet treats it).
 *
 * <p>Thread model: stateless; {@link #acrossRestart} blocks its caller between attempts.
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

    /** How long a read waits for a restarting containerd to answer again. */
    static final long RESTART_WAIT_MILLIS = 30_000;

    /**
     * Runs {@code read} (a CRI call that changes nothing), again every 100 ms for up to
     * {@link #RESTART_WAIT_MILLIS} while containerd restarts: while the connection the call was
     * put on closes under it (gRPC's UNKNOWN "channel closed", or UNAVAILABLE: the stubs wait for a
     * connection, so that comes only from one lost during the call), and while containerd answers
     * that its CRI service "is not initialized yet" (a restarted containerd accepts connections
     * while its CRI plugin still loads its state). A read made across the restart would fail in
     * those windows although the containers run on. Writes are not retried here: the pod worker
     * tries them again at its next sync.
     */
    static <T> T acrossRestart(Supplier<T> read) {
        long deadline = System.nanoTime() + RESTART_WAIT_MILLIS * 1_000_000;
        while (true) {
            try {
                return read.get();
            } catch (StatusRuntimeException e) {
                if (!restarting(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a restarting containerd", e);
            }
        }
    }

    private static boolean restarting(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        String d = e.getStatus().getDescription();
        boolean lost = code == Status.Code.UNAVAILABLE || code == Status.Code.UNKNOWN && e.getCause() instanceof ClosedChannelException;
        boolean starting = code == Status.Code.UNKNOWN && d != null && d.contains("not initialized");
        return lost || starting;
    }
}
