package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

class CriErrorsTest {

    @Test
    void aReadIsMadeAgainWhileContainerdsCriServiceIsStillStarting() {
        AtomicInteger calls = new AtomicInteger();

        String answer = CriErrors.acrossRestart(() -> {
            if (calls.incrementAndGet() < 3) {
                throw Status.UNKNOWN.withDescription("server is not initialized yet").asRuntimeException();
            }
            return "listed";
        });

        assertThat(answer).isEqualTo("listed");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aReadIsMadeAgainWhenTheConnectionItWasPutOnClosesUnderIt() {
        AtomicInteger calls = new AtomicInteger();

        String answer = CriErrors.acrossRestart(() -> switch (calls.incrementAndGet()) {
            // what grpc-netty reports for a stream created on a connection closing under it
            case 1 -> throw Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException()).asRuntimeException();
            case 2 -> throw Status.UNAVAILABLE.withDescription("Network closed for unknown reason").asRuntimeException();
            default -> "running";
        });

        assertThat(answer).isEqualTo("running");
        assertThat(calls).hasValue(3);
    }

    @Test
    void anyOtherFailureIsThrownAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> CriErrors.acrossRestart(() -> {
            calls.incrementAndGet();
            throw Status.UNKNOWN.withDescription("failed to create containerd task").asRuntimeException();
        })).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("failed to create containerd task");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailureNamesItsCodeAndDescription() {
        assertThat(CriErrors.message(Status.NOT_FOUND.withDescription("no such container").asRuntimeException()))
                .isEqualTo("NOT_FOUND: no such container");
    }
}
