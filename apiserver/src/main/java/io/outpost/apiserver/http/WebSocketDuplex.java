package io.outpost.apiserver.http;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * A two-way WebSocket ({@link ApiResponse.Duplex}), as the node tunnel uses it: binary messages
 * both ways, pings answered, a close echoed. Unlike a watch ({@link WebSocketStream}), the client
 * sends data, so its messages are aggregated (a message may come in fragments) up to
 * {@value #MAX_MESSAGE} bytes and queued for the body's {@link ApiResponse.DuplexLink#receive}.
 *
 * <p>Back-pressure both ways: writes block while the channel is not writable
 * ({@link ChannelSink}); reading from the socket stops (auto-read off) while more than
 * {@value #HIGH_WATER} messages wait unread and resumes once the body has taken them down to
 * {@value #LOW_WATER}.
 *
 * <p>Thread model: {@link #serve} runs on the request's virtual thread, like
 * {@link WebSocketStream#serve}; {@link ClientMessages} runs on the event loop; the link's
 * methods may be called from any thread (the body may read on one and write on another).
 */
final class WebSocketDuplex {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketDuplex.class);

    /** The largest message a client may send: a few objects' worth (kube's bodies are at most 3 MiB). */
    static final int MAX_MESSAGE = 4 * 1024 * 1024;
    static final int HIGH_WATER = 64;
    static final int LOW_WATER = 16;
    private static final byte[] END = new byte[0];
    private static final WebSocketDecoderConfig CLIENT_FRAMES = WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(MAX_MESSAGE).allowExtensions(false).build();

    private WebSocketDuplex() {
    }

    static void serve(ChannelHandlerContext ctx, String uri, Map<String, List<String>> requestHeaders, HttpHeaders responseHeaders,
                      ApiResponse.Duplex duplex, Consumer<ChannelSink> attach) {
        Channel channel = ctx.channel();
        Link link = new Link(channel);
        if (!WebSocketStream.upgrade(ctx, uri, requestHeaders, responseHeaders, CLIENT_FRAMES, pipeline -> {
            pipeline.addBefore(ctx.name(), "websocket-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            pipeline.addBefore(ctx.name(), "websocket", new ClientMessages(link));
        })) {
            return;
        }
        attach.accept(link.sink);
        WebSocketCloseStatus end = WebSocketCloseStatus.NORMAL_CLOSURE;
        try {
            duplex.body().run(link);
        } catch (IOException e) {
            LOG.debug("duplex connection ended: {}", e.getMessage());
            channel.close();
            return;
        } catch (InterruptedException e) {
            channel.close();
            return;
        } catch (Exception | StackOverflowError e) {
            LOG.error("a duplex body failed; closing the WebSocket with 1011", e);
            end = WebSocketCloseStatus.INTERNAL_SERVER_ERROR;
        }
        if (channel.isActive()) {
            WebSocketStream.closeWith(channel, new CloseWebSocketFrame(end));
        }
    }

    /** The body's view of the connection. */
    private static final class Link implements ApiResponse.DuplexLink {
        private final Channel channel;
        private final ChannelSink sink;
        private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        private final WireCounter counter;
        private volatile boolean ended;

        Link(Channel channel) {
            this.channel = channel;
            this.sink = new ChannelSink(channel, BinaryWebSocketFrame::new);
            this.counter = channel.pipeline().get(WireCounter.class);
        }

        @Override
        public void write(byte[] message) throws IOException, InterruptedException {
            sink.write(message);
        }

        @Override
        public boolean isOpen() {
            return sink.isOpen() && !ended;
        }

        @Override
        public byte[] receive(Duration timeout) throws IOException, InterruptedException {
            byte[] message = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (message == END) {
                received.offer(END); // every later receive fails too
                throw new IOException("the client closed the connection");
            }
            if (message != null && received.size() <= LOW_WATER && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
            return message;
        }

        /** On the event loop. */
        void offer(byte[] message) {
            received.offer(message);
            if (received.size() > HIGH_WATER) {
                channel.config().setAutoRead(false);
            }
        }

        /** On the event loop: no more messages will come. */
        void end() {
            if (!ended) {
                ended = true;
                received.offer(END);
                sink.close();
            }
        }

        @Override
        public long wireBytesRead() {
            return counter == null ? 0 : counter.read();
        }

        @Override
        public long wireBytesWritten() {
            return counter == null ? 0 : counter.written();
        }

        @Override
        public void close() {
            if (channel.isActive()) {
                WebSocketStream.closeWith(channel, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
            }
        }
    }

    /** What the client sends; on the event loop. */
    private static final class ClientMessages extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Link link;

        ClientMessages(Link link) {
            this.link = link;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            switch (frame) {
                case BinaryWebSocketFrame binary -> link.offer(ByteBufUtil.getBytes(binary.content()));
                case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                case CloseWebSocketFrame close -> {
                    link.end();
                    WebSocketStream.closeWith(ctx.channel(), close.retain());
                }
                default -> {
                    // Text and pongs mean nothing on this connection.
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            link.end();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("duplex connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            link.end();
            ctx.close();
        }
    }
}
