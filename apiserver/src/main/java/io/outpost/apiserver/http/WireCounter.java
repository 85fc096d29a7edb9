package io.outpost.apiserver.http;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes of one connection as they cross the TCP socket, below TLS: what a metered
 * link is billed for (TLS records and handshakes included, TCP/IP headers not). First in the
 * pipeline, so it sees the encrypted bytes.
 *
 * <p>Thread model: the counts change on the channel's event loop and are read from any thread.
 */
final class WireCounter extends ChannelDuplexHandler {

    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            read.addAndGet(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf b) {
            written.addAndGet(b.readableBytes());
        }
        super.write(ctx, msg, promise);
    }

    long read() {
        return read.get();
    }

    long written() {
        return written.get();
    }
}
