package io.outpost.apiserver.http;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * A watch that arrives as a WebSocket upgrade (RFC 6455), served as kube-apiserver's
 * {@code WatchServer.HandleWS} serves it: the fabric8 client opens every watch this way.
 *
 * <ul>
 *   <li>The request was authenticated, authorized and handled like a plain one; only a
 *       {@link ApiResponse.Streaming} answer is upgraded (an error {@code Status} is answered as
 *       plain HTTP, as kube does, and the client's handshake fails with it).</li>
 *   <li>Each {@link ApiResponse.StreamSink#write} (one watch event) is one message: a text frame
 *       for JSON (kube frames text-encoded media types as text), a binary frame otherwise.</li>
 *   <li>Sub-protocol: kube's watch handler (golang.org/x/net/websocket) echoes the one protocol a
 *       client offers and sends the events unchanged, so {@code base64.binary.k8s.io} changes
 *       nothing for a watch (base64 framing is kube's wsstream, used by logs, not watches). We echo
 *       the first offered. Unlike x/net we do not insist on an Origin header: it is no
 *       authentication, and the client certificate or token already is.</li>
 *   <li>The client is expected to send nothing but pings, which are answered, and a close, which
 *       is echoed and ends the connection (and with it the stream); other messages are ignored,
 *       as kube ignores them. When the stream ends the server sends a normal close (1000) and
 *       closes the connection.</li>
 *   <li>Back-pressure is the {@link ChannelSink}'s: a write blocks while the client does not read.</li>
 * </ul>
 *
 * <p>Thread model: {@link #serve} runs on the request's virtual thread; it runs the handshake on
 * the channel's event loop (the handshake rewrites the pipeline: the HTTP codec gives way to the
 * WebSocket codec) and waits for it, then runs the stream body there, whose writes the channel
 * hands to the event loop. {@link ClientFrames} runs on the event loop.
 */
final class WebSocketStream {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketStream.class);

    /** A watch client sends only control frames (at most 125 bytes); anything large is not ours to read. */
    private static final WebSocketDecoderConfig CLIENT_FRAMES = WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(64 * 1024).allowExtensions(false).build();

    private WebSocketStream() {
    }

    /** {@code Connection: Upgrade} and {@code Upgrade: websocket}, as kube's wsstream.IsWebSocketRequest. */
    static boolean isUpgrade(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * What to answer instead of upgrading a request that is no valid version-13 handshake (a
     * 400, with the version we speak, as x/net/websocket answers); empty if it is valid.
     */
    static Optional<ApiResponse.Full> rejection(Map<String, List<String>> headers) {
        String version = first(headers, "sec-websocket-version");
        if (!version.equals("13")) {
            ApiResponse.Full bad = Statuses.failure(400, "BadRequest",
                    "unsupported WebSocket version \"" + version + "\": this server speaks version 13 (RFC 6455)");
            return Optional.of(new ApiResponse.Full(bad.status(), bad.contentType(), Map.of("Sec-WebSocket-Version", "13"), bad.body()));
        }
        if (first(headers, "sec-websocket-key").isEmpty()) {
            return Optional.of(Statuses.failure(400, "BadRequest", "a WebSocket upgrade needs a Sec-WebSocket-Key header"));
        }
        return Optional.empty();
    }

    /**
     * The WebSocket handshake both kinds of connection share: answers the upgrade of the GET
     * {@code uri} with a 101 (plus {@code responseHeaders}) on the channel's event loop, where
     * {@code install} puts the frame handlers in place before the 101 is written. Blocks its
     * (virtual) caller until the handshake is done; answers false, having closed the connection,
     * if it failed or the caller was interrupted.
     */
    static boolean upgrade(ChannelHandlerContext ctx, String uri, Map<String, List<String>> requestHeaders,
                           HttpHeaders responseHeaders, WebSocketDecoderConfig frames, Consumer<ChannelPipeline> install) {
        HttpHeaders headers = new DefaultHttpHeaders();
        requestHeaders.forEach(headers::add);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER,
                headers, EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "wss://" + headers.get(HttpHeaderNames.HOST, "localhost") + uri, WebSocketServerHandshaker.SUB_PROTOCOL_WILDCARD,
                frames).newHandshaker(request);
        Channel channel = ctx.channel();
        ChannelPromise upgraded = channel.newPromise();
        ctx.executor().execute(() -> {
            try {
                handshaker.handshake(channel, request, responseHeaders, upgraded);
                install.accept(ctx.pipeline());
            } catch (RuntimeException e) {
                upgraded.tryFailure(e);
            }
        });
        try {
            upgraded.await();
        } catch (InterruptedException e) {
            channel.close();
            return false;
        }
        if (!upgraded.isSuccess()) {
            LOG.debug("WebSocket handshake with {} failed: {}", channel.remoteAddress(), upgraded.cause().toString());
            channel.close();
            return false;
        }
        return true;
    }

    /**
     * Upgrades the connection, runs the stream and closes the connection; returns when the stream
     * has ended. The request must have passed {@link #rejection}.
     *
     * @param responseHeaders headers of the 101 answer besides the handshake's (Content-Type...)
     * @param attach          given the stream's sink before the stream starts, so that the
     *                        connection's handler wakes it when writability changes
     */
    static void serve(ChannelHandlerContext ctx, String uri, Map<String, List<String>> requestHeaders, HttpHeaders responseHeaders,
                      ApiResponse.Streaming streaming, Consumer<ChannelSink> attach) {
        Channel channel = ctx.channel();
        boolean text = streaming.contentType().startsWith("application/json");
        ChannelSink sink = new ChannelSink(channel, text ? TextWebSocketFrame::new : BinaryWebSocketFrame::new);
        // In place before the 101 is written, so before the client can send a frame.
        if (!upgrade(ctx, uri, requestHeaders, responseHeaders, CLIENT_FRAMES,
                pipeline -> pipeline.addBefore(ctx.name(), "websocket", new ClientFrames(sink)))) {
            return;
        }
        attach.accept(sink);
        WebSocketCloseStatus end = WebSocketCloseStatus.NORMAL_CLOSURE;
        try {
            streaming.body().writeTo(sink);
        } catch (IOException e) {
            LOG.debug("stream ended: {}", e.getMessage());
            channel.close();
            return;
        } catch (InterruptedException e) {
            channel.close();
            return;
        } catch (Exception | StackOverflowError e) {
            LOG.error("a stream body failed; closing the WebSocket with 1011", e);
            end = WebSocketCloseStatus.INTERNAL_SERVER_ERROR;
        }
        closeWith(channel, new CloseWebSocketFrame(end));
    }

    /**
     * Sends a close frame and closes the connection once it is written. A client that does not
     * read (the channel is not writable) would never take it, and the connection would stay open
     * for as long as the client likes: it is closed at once instead, which the client sees as an
     * abnormal close (1006) and answers as any ended watch, by watching again.
     */
    static void closeWith(Channel channel, CloseWebSocketFrame frame) {
        if (channel.isWritable()) {
            channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        } else {
            frame.release();
            channel.close();
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.getOrDefault(name, List.of());
        return values.isEmpty() ? "" : values.getFirst().trim();
    }

    /** What the client sends on an upgraded watch; on the event loop. */
    private static final class ClientFrames extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final ChannelSink sink;

        ClientFrames(ChannelSink sink) {
            this.sink = sink;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            switch (frame) {
                case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                // The client is done: the stream ends at its next write (or isOpen, or at once if
                // it waits to write); the close is echoed and the connection ends.
                case CloseWebSocketFrame close -> {
                    sink.close();
                    closeWith(ctx.channel(), close.retain());
                }
                default -> {
                    // kube's watch ignores whatever else its client sends (wsstream.IgnoreReceives).
                }
            }
        }
    }
}
