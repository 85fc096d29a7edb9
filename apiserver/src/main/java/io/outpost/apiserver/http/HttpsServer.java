package io.outpost.apiserver.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The API server's HTTPS endpoint: HTTP/1.1 over TLS only, on Netty.
 *
 * <p>TLS 1.2/1.3; a client certificate is asked for but optional, so that token-only clients
 * connect (the {@link io.outpost.apiserver.auth.Authenticator} decides). ALPN selects
 * {@code http/1.1} even when the client offers {@code h2} first, as kubectl does; upgrade
 * requests (exec, port-forward) offer no ALPN and are HTTP/1.1 anyway.
 *
 * <p>Thread model: one acceptor thread and a few event-loop threads (Netty's default: two per
 * core) do all network I/O and never block; each request runs on a virtual thread of its own
 * (see {@link ConnectionHandler}), so handlers may block. {@link #start} and {@link #close} are
 * called by the owner's thread; {@link #close} is idempotent, closes every connection (an open
 * stream's writer then gets an IOException) and waits for the event loops to end.
 */
public final class HttpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsServer.class);

    /** Kubernetes' URLs carry selectors and continue tokens; JWT bearer tokens make long headers. */
    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADER_SIZE = 64 * 1024;

    private final HttpsServerConfig config;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private EventLoopGroup acceptor; // guarded by lifecycle
    private EventLoopGroup workers; // guarded by lifecycle
    private ExecutorService requests; // guarded by lifecycle
    private ChannelGroup channels; // guarded by lifecycle
    private Channel listener; // guarded by lifecycle
    private volatile int port = -1;

    public HttpsServer(HttpsServerConfig config) {
        this.config = config;
    }

    /**
     * Listens.
     *
     * @throws java.net.BindException if the address is in use or not ours
     * @throws IOException            for another failure to listen
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (acceptor != null) {
                throw new IllegalStateException("already started");
            }
            SslContext tls = sslContext(config);
            RequestPipeline pipeline = new RequestPipeline(config.authenticator(), config.authorizer(), config.handler());
            acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
            requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-request-", 0).factory());
            channels = new DefaultChannelGroup("api-connections", GlobalEventExecutor.INSTANCE);
            ChannelGroup open = channels;
            ExecutorService perRequest = requests;
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            open.add(ch);
                            ch.pipeline().addLast("wire", new WireCounter())
                                    .addLast("tls", tls.newHandler(ch.alloc()))
                                    .addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(MAX_INITIAL_LINE).setMaxHeaderSize(MAX_HEADER_SIZE)))
                                    .addLast("body", new BodyLimitAggregator(config.maxBodyBytes()))
                                    .addLast("api", new ConnectionHandler(pipeline, perRequest));
                        }
                    });
            try {
                listener = bootstrap.bind(new InetSocketAddress(config.bindAddress(), config.port())).sync().channel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown();
                throw new IOException("interrupted while binding", e);
            } catch (Exception e) { // Netty rethrows the bind's checked exception as is
                shutdown();
                if (e instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e);
            }
            port = ((InetSocketAddress) listener.localAddress()).getPort();
            LOG.info("serving HTTPS on {}:{}", config.bindAddress().getHostAddress(), port);
        } finally {
            lifecycle.unlock();
        }
    }

    /** The port listened on (the chosen one if the config said 0); -1 before {@link #start}. */
    public int port() {
        return port;
    }

    private static SslContext sslContext(HttpsServerConfig config) throws SSLException {
        return SslContextBuilder.forServer(config.servingKey(), config.servingChain().toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .trustManager(config.clientCas().toArray(X509Certificate[]::new))
                .clientAuth(config.clientCas().isEmpty() ? ClientAuth.NONE : ClientAuth.OPTIONAL)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            shutdown();
        } finally {
            lifecycle.unlock();
        }
    }

    private void shutdown() {
        if (acceptor == null) {
            return;
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly();
        acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        // Running requests see their channel closed; they are not waited for (a stream may block in its source).
        requests.shutdown();
        acceptor = null;
        LOG.info("stopped serving HTTPS on port {}", port);
    }
}
