package io.outpost.apiserver.http;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.outpost.apiserver.auth.Credentials;

/**
 * One TLS connection's HTTP/1.1 requests: each is served by the {@link RequestPipeline} on a
 * virtual thread of its own, and its response written back. A watch that arrives as a WebSocket
 * upgrade and is answered with a stream upgrades the connection ({@link WebSocketStream}), which
 * then carries that watch only.
 *
 * <p>Thread model: the Netty callbacks run on the channel's event loop and own {@link #pending},
 * {@link #busy} and {@link #sink}. Requests of one connection are served one at a time, in order
 * (HTTP/1.1 answers in request order; a pipelining client's next request waits in
 * {@link #pending}). The request's virtual thread calls the pipeline and the stream body, and
 * writes through the channel, which hands the writes to the event loop.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final RequestPipeline pipeline;
    private final Executor requests;
    private final ArrayDeque<Request> pending = new ArrayDeque<>();
    private boolean busy;
    private volatile ChannelSink sink;

    /** A request copied out of Netty's buffers, so that no buffer crosses threads. */
    private record Request(String method, String uri, Map<String, List<String>> headers, byte[] body, boolean keepAlive,
                           Credentials credentials, boolean webSocket) {
    }

    ConnectionHandler(RequestPipeline pipeline, Executor requests) {
        this.pipeline = pipeline;
        this.requests = requests;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        if (msg.decoderResult().isFailure()) {
            ApiResponse.Full bad = Statuses.failure(400, "BadRequest", "malformed HTTP request: " + msg.decoderResult().cause().getMessage());
            writeFull(ctx, bad, false, false);
            return;
        }
        pending.add(new Request(msg.method().name(), msg.uri(), headers(msg.headers()), ByteBufUtil.getBytes(msg.content()),
                HttpUtil.isKeepAlive(msg), credentials(ctx, msg.headers()), WebSocketStream.isUpgrade(msg.headers())));
        if (!busy) {
            next(ctx);
        }
    }

    /** Starts the next pending request, on the event loop. */
    private void next(ChannelHandlerContext ctx) {
        Request request = pending.poll();
        busy = request != null;
        if (request != null) {
            requests.execute(() -> serve(ctx, request));
        }
    }

    /** On the request's virtual thread. */
    private void serve(ChannelHandlerContext ctx, Request request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        ApiResponse response = pipeline.serve(request.method(), uri.path(), uri.parameters(), request.headers(),
                request.body(), request.credentials());
        boolean head = request.method().equals("HEAD");
        if (response instanceof ApiResponse.Duplex duplex) {
            duplex(ctx, request, duplex);
            return;
        }
        if (request.webSocket() && response instanceof ApiResponse.Streaming streaming
                && RequestInfo.parse(request.method(), uri.path(), uri.parameters()).verb().equals("watch")) {
            upgrade(ctx, request, streaming);
            return;
        }
        // Anything else, an upgrade or not, is answered as plain HTTP: an error Status to a
        // watch upgrade as kube answers it; exec and port-forward upgrades get a non-101 answer,
        // after which kubectl falls back to SPDY.
        switch (response) {
            case ApiResponse.Full full -> writeFull(ctx, full, request.keepAlive(), head);
            case ApiResponse.Streaming streaming -> writeStream(ctx, streaming, request.keepAlive());
            case ApiResponse.Duplex duplex -> throw new AssertionError("served above");
        }
    }

    private void writeFull(ChannelHandlerContext ctx, ApiResponse.Full full, boolean keepAlive, boolean head) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(full.status()), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(full.body()));
        setHeaders(response, full);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, full.body().length);
        finish(ctx, ctx.writeAndFlush(response), keepAlive, response);
    }

    private void writeStream(ChannelHandlerContext ctx, ApiResponse.Streaming streaming, boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(streaming.status()));
        setHeaders(head, streaming);
        HttpUtil.setTransferEncodingChunked(head, true);
        ChannelSink streamSink = ChannelSink.httpChunks(ctx.channel());
        sink = streamSink;
        ctx.writeAndFlush(head);
        try {
            streaming.body().writeTo(streamSink);
        } catch (IOException e) {
            LOG.debug("stream ended: {}", e.getMessage());
            ctx.close();
            return;
        } catch (InterruptedException e) {
            ctx.close();
            return;
        } catch (Exception | StackOverflowError e) {
            // The status line is sent: all we can do is end the connection without the last chunk, which
            // the client reads as a broken response rather than a complete one.
            LOG.error("a stream body failed; closing the connection", e);
            ctx.close();
            return;
        } finally {
            sink = null;
        }
        finish(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, head);
    }

    /** A watch over WebSocket: the connection is the stream's until it ends, then closed. */
    private void upgrade(ChannelHandlerContext ctx, Request request, ApiResponse.Streaming streaming) {
        Optional<ApiResponse.Full> rejection = WebSocketStream.rejection(request.headers());
        if (rejection.isPresent()) {
            writeFull(ctx, rejection.get(), false, false);
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        setHeaders(headers, streaming);
        try {
            WebSocketStream.serve(ctx, request.uri(), request.headers(), headers, streaming, s -> sink = s);
        } finally {
            sink = null;
        }
    }

    /** A two-way WebSocket (the node tunnel): the connection is the body's until it returns, then closed. */
    private void duplex(ChannelHandlerContext ctx, Request request, ApiResponse.Duplex duplex) {
        if (!request.webSocket()) {
            writeFull(ctx, Statuses.failure(400, "BadRequest", "this endpoint needs a WebSocket upgrade"
                    + " (Connection: Upgrade, Upgrade: websocket)"), false, false);
            return;
        }
        Optional<ApiResponse.Full> rejection = WebSocketStream.rejection(request.headers());
        if (rejection.isPresent()) {
            writeFull(ctx, rejection.get(), false, false);
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        duplex.headers().forEach(headers::set);
        try {
            WebSocketDuplex.serve(ctx, request.uri(), request.headers(), headers, duplex, s -> sink = s);
        } finally {
            sink = null;
        }
    }

    /** After the last write: the next request on a kept-alive connection, or close. */
    private void finish(ChannelHandlerContext ctx, ChannelFuture written, boolean keepAlive, HttpResponse response) {
        boolean keep = keepAlive && !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(response.headers().get(HttpHeaderNames.CONNECTION, ""));
        written.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !keep) {
                ctx.close();
            } else {
                next(ctx);
            }
        });
    }

    private static void setHeaders(HttpResponse response, ApiResponse api) {
        setHeaders(response.headers(), api);
    }

    private static void setHeaders(HttpHeaders h, ApiResponse api) {
        api.headers().forEach(h::set);
        h.set(HttpHeaderNames.CONTENT_TYPE, api.contentType());
        // As kube-apiserver: API answers are per user and never cached by intermediaries.
        if (!h.contains(HttpHeaderNames.CACHE_CONTROL)) {
            h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
        }
        h.set("X-Content-Type-Options", "nosniff");
    }

    private static Map<String, List<String>> headers(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            map.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return map;
    }

    private static Credentials credentials(ChannelHandlerContext ctx, HttpHeaders headers) {
        List<X509Certificate> chain = new ArrayList<>();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            try {
                for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                    if (c instanceof X509Certificate x) {
                        chain.add(x);
                    }
                }
            } catch (SSLPeerUnverifiedException e) {
                // No client certificate: a token, or nothing.
            }
        }
        return new Credentials(chain, Credentials.bearer(headers.get(HttpHeaderNames.AUTHORIZATION)));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ChannelSink s = sink;
        if (s != null) {
            s.wake();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ChannelSink s = sink;
        if (s != null) {
            s.wake();
        }
        pending.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
