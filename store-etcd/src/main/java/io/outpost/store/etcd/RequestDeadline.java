package io.outpost.store.etcd;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Gives every unary call to etcd (get, txn, compact, lease grant) a deadline, so a call to a member
 * that hangs or lost its leader ends with DEADLINE_EXCEEDED instead of waiting for ever. jetcd sets
 * none of its own and waits for a ready connection. Streams (watches) are left alone: they are
 * meant to stay open, and {@link EtcdWatch} watches over them itself.
 */
final class RequestDeadline implements ClientInterceptor {

    private final long timeoutNanos;

    RequestDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
            return next.newCall(method, options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        }
        return next.newCall(method, options);
    }
}
