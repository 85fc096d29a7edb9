package io.outpost.cri;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.outpost.cri.v1.ImageServiceGrpc;
import io.outpost.cri.v1.RuntimeServiceGrpc;

/**
 * A gRPC channel to a CRI runtime's unix socket ({@code unix:///run/containerd/containerd.sock}),
 * as kubelet's {@code --container-runtime-endpoint} names it, with blocking stubs for both CRI
 * services. The stubs come from cri-api's {@code api.proto}, generated at build time.
 *
 * <p>Thread model: one channel is shared by every caller; gRPC stubs are thread-safe. Netty runs
 * the socket on one epoll event-loop thread of this channel's own; blocking calls park the caller
 * (virtual threads are fine). {@link #close()} shuts both down.
 */
public final class CriChannel implements AutoCloseable {

    /** kubelet's default for CRI responses (16 MiB, {@code maxMsgSize} in its remote runtime). */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * Every CRI method is retried on UNAVAILABLE (the socket closed under a call, as when
     * containerd restarts) with back-off over about 3 s: the supervisor brings containerd back
     * within that. containerd refuses a repeated create by name ("name is reserved"), so a create
     * that did land before the connection broke is not duplicated.
     */
    private static final Map<String, ?> RETRY_UNAVAILABLE = Map.of("methodConfig", List.of(Map.of(
            "name", List.of(Map.of("service", "runtime.v1.RuntimeService"), Map.of("service", "runtime.v1.ImageService")),
            "retryPolicy", Map.of("maxAttempts", 5.0, "initialBackoff", "0.2s", "maxBackoff", "2s", "backoffMultiplier", 2.0,
                    "retryableStatusCodes", List.of("UNAVAILABLE")))));

    private final Path socket;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    private CriChannel(Path socket) {
        this.socket = socket;
        this.loop = new EpollEventLoopGroup(1);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(loop)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                // gRPC asks every transport for SO_KEEPALIVE, which a unix socket has not; a null
                // value removes the option from netty's bootstrap instead of warning per connection.
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .defaultServiceConfig(RETRY_UNAVAILABLE)
                .enableRetry()
                .build();
    }

    /**
     * Opens a channel to {@code endpoint}: {@code unix:///path} or a plain absolute path. Nothing
     * is dialled until the first call. Anything but a unix socket is an
     * {@link IllegalArgumentException} naming the flag and the accepted form.
     */
    public static CriChannel open(String endpoint) {
        return new CriChannel(socketPath(endpoint));
    }

    /** The socket path of {@code unix:///path} or {@code /path}. */
    public static Path socketPath(String endpoint) {
        String path;
        if (endpoint.startsWith("unix://")) {
            path = endpoint.substring("unix://".length());
        } else if (endpoint.startsWith("/")) {
            path = endpoint;
        } else {
            throw new IllegalArgumentException("--container-runtime-endpoint " + endpoint
                    + " is not a unix socket; use unix:///run/containerd/containerd.sock or an absolute path");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("--container-runtime-endpoint " + endpoint
                    + " needs an absolute path after unix:// (three slashes: unix:///run/...)");
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("unix sockets need netty's epoll transport: " + Epoll.unavailabilityCause());
        }
        return Path.of(path);
    }

    public Path socket() {
        return socket;
    }

    /**
     * The RuntimeService stub. Calls wait for the socket to be connectable ({@code waitForReady})
     * rather than failing at once, so a containerd being restarted by its supervisor delays calls
     * instead of failing them; callers bound every call with a deadline.
     */
    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withWaitForReady();
    }

    /** The ImageService stub, waiting for readiness as {@link #runtime()}. */
    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withWaitForReady();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
