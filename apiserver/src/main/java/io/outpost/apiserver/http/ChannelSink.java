package io.outpost.apiserver.http;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * The {@link ApiResponse.StreamSink} of one chunked response: each {@link #write} is one HTTP
 * chunk, flushed at once (a watch event must not wait in a buffer).
 *
 * <p>Back-pressure is enforced here: {@link #write} blocks its (virtual) thread while the channel
 * is not writable, that is while more than the channel's high water mark of bytes wait for a
 * slow client; so one stream buffers a bounded amount and a slow client slows only its own
 * writer. The event loop calls {@link #wake} when writability changes or the channel closes.
 */
final class ChannelSink implements ApiResponse.StreamSink {

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    ChannelSink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void write(byte[] chunk) throws IOException, InterruptedException {
        if (chunk.length == 0) {
            return; // an empty chunk would end the chunked body
        }
        lock.lock();
        try {
            while (channel.isActive() && !channel.isWritable()) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
        if (!channel.isActive()) {
            throw new IOException("the client closed the connection");
        }
        // Copied: the caller may reuse its array once write returns.
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk)));
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
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
