package io.outpost.apiserver.http;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * The {@link ApiResponse.StreamSink} of one streamed response: each {@link #write} is one message
 * of the transport, flushed at once (a watch event must not wait in a buffer): an HTTP chunk of a
 * chunked response ({@link #httpChunks}), or a WebSocket frame of an upgraded one
 * ({@link WebSocketStream}).
 *
 * <p>Back-pressure is enforced here: {@link #write} blocks its (virtual) thread while the channel
 * is not writable, that is while more than the channel's high water mark of bytes wait for a
 * slow client; so one stream buffers a bounded amount and a slow client slows only its own
 * writer. The event loop calls {@link #wake} when writability changes or the channel closes.
 */
final class ChannelSink implements ApiResponse.StreamSink {

    private final Channel channel;
    private final Function<ByteBuf, Object> message;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean closed;

    /** @param message wraps one write's bytes in the message the channel's pipeline encodes */
    ChannelSink(Channel channel, Function<ByteBuf, Object> message) {
        this.channel = channel;
        this.message = message;
    }

    /** The body of a chunked HTTP response. */
    static ChannelSink httpChunks(Channel channel) {
        return new ChannelSink(channel, DefaultHttpContent::new);
    }

    @Override
    public void write(byte[] chunk) throws IOException, InterruptedException {
        if (chunk.length == 0) {
            return; // an empty chunk would end a chunked body; an empty frame says nothing
        }
        lock.lock();
        try {
            while (isOpen() && !channel.isWritable()) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
        if (!isOpen()) {
            throw new IOException("the client closed the connection");
        }
        // Copied: the caller may reuse its array once write returns.
        channel.writeAndFlush(message.apply(Unpooled.copiedBuffer(chunk)));
    }

    @Override
    public boolean isOpen() {
        return !closed && channel.isActive();
    }

    /**
     * Ends the stream before its channel closes (a WebSocket client's close): a blocked or later
     * {@link #write} throws. Any thread.
     */
    void close() {
        closed = true;
        wake();
    }

    /** Called on the event loop when the channel's writability changes or it closes. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
