package io.outpost.apiserver.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Reads a request body whole, up to a limit; a larger one is answered with kube-apiserver's 413
 * {@code Status} (reason RequestEntityTooLarge) as soon as the limit is known to be passed. The
 * rest of the body is then read and dropped by the aggregator (never buffered), so that a client
 * still sending gets to read the answer instead of a broken pipe, and the connection stays usable.
 * Runs on the channel's event loop.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int limit;

    BodyLimitAggregator(int limit) {
        super(limit);
        this.limit = limit;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ApiResponse.Full status = Statuses.failure(413, "RequestEntityTooLarge",
                "Request entity too large: limit is " + limit);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(status.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, status.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, status.body().length);
        if (HttpUtil.isKeepAlive(oversized)) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
