package io.outpost.agent.runtime.process;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a container's stdout and stderr from the named pipes its shim opened into the CRI log file.
 * The pipes belong to the container, not to the agent (the shim opened them read-write, so a write
 * never fails with SIGPIPE): while the agent is down the output waits in the pipe (64 KiB, then the
 * writer blocks), and a restarted agent attaches a new pump. The pump opens the pipes read-write too,
 * so opening never blocks, and polls what is available, so it never blocks in a read it cannot end;
 * once the container has exited it drains the pipes and stops.
 *
 * <p>Thread model: one virtual thread per running container.
 */
final class LogPump implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
    /** How often a pump looks for output while it flows, in ms; while none comes, less often, down to IDLE_POLL_MILLIS. */
    private static final long POLL_MILLIS = 100;
    private static final long IDLE_POLL_MILLIS = 800;
    private static final int FIRST_BUFFER = 512;

    private final Path stdout;
    private final Path stderr;
    private final CriLogWriter writer;
    private final BooleanSupplier exited;
    private volatile boolean stopped;

    private final RandomAccessFile out;
    private final RandomAccessFile err;

    /**
     * Opens the pipes now, on the caller's thread: before the container starts, so output of a
     * container that exits at once is not discarded with its pipe (a FIFO's buffer goes when its
     * last descriptor closes).
     */
    LogPump(Path stdout, Path stderr, CriLogWriter writer, BooleanSupplier exited) throws IOException {
        this.stdout = stdout;
        this.stderr = stderr;
        this.writer = writer;
        this.exited = exited;
        this.out = new RandomAccessFile(stdout.toFile(), "rw");
        try {
            this.err = new RandomAccessFile(stderr.toFile(), "rw");
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    void stop() {
        stopped = true;
    }

    /** Releases the pipes and the log of a pump that never ran (the container did not start). */
    void abandon() {
        try {
            out.close();
            err.close();
        } catch (IOException e) {
            // nothing to release then
        }
        writer.close();
    }

    @Override
    public void run() {
        try (out; err) {
            Stream o = new Stream("stdout", new FileInputStream(out.getFD()));
            Stream e = new Stream("stderr", new FileInputStream(err.getFD()));
            long pause = POLL_MILLIS;
            while (!stopped) {
                boolean done = exited.getAsBoolean();
                int moved = o.pump() + e.pump();
                if (done && moved == 0) {
                    o.flush();
                    e.flush();
                    return;
                }
                if (moved > 0) {
                    pause = POLL_MILLIS;
                } else {
                    // a quiet container is looked at less often: each look costs a wake-up and,
                    // for an adopted container, a read of /proc (10 pods: 1.5 % of a core at 100 ms)
                    Thread.sleep(pause);
                    pause = Math.min(2 * pause, IDLE_POLL_MILLIS);
                }
            }
        } catch (IOException ex) {
            LOG.warn("log pump of {} stopped: {}", stdout.getParent(), ex.toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            writer.close();
        }
    }

    /**
     * Writes one line; a failure (disk full, say) drops it and is logged once, so the pipe keeps
     * draining and the container never blocks on its output because of the agent's disk.
     */
    private void write(String stream, byte[] buf, int offset, int length, boolean partial) {
        try {
            writer.write(stream, buf, offset, length, partial);
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                LOG.warn("container output to {} is being dropped: {}", stdout.getParent(), e.toString());
                failing = true;
            }
        }
    }

    private boolean failing;

    /**
     * One pipe: splits what arrives into lines, keeping an unfinished line for the next read. The
     * buffer starts small and grows (to {@link CriLogWriter#MAX_LINE}) only for a long line: two
     * full buffers per container would be 32 KiB of heap per container for lines that are mostly
     * short.
     */
    private final class Stream {
        private final String name;
        private final FileInputStream in;
        private byte[] buf = new byte[FIRST_BUFFER];
        private int len;

        Stream(String name, FileInputStream in) {
            this.name = name;
            this.in = in;
        }

        int pump() throws IOException {
            int total = 0;
            int available;
            while ((available = in.available()) > 0) {
                int n = in.read(buf, len, Math.min(available, buf.length - len));
                if (n <= 0) {
                    break;
                }
                total += n;
                len += n;
                int start = 0;
                for (int i = 0; i < len; i++) {
                    if (buf[i] == '\n') {
                        write(name, buf, start, i - start, false);
                        start = i + 1;
                    }
                }
                System.arraycopy(buf, start, buf, 0, len - start);
                len -= start;
                if (len == buf.length) {
                    if (len < CriLogWriter.MAX_LINE) {
                        buf = Arrays.copyOf(buf, Math.min(2 * len, CriLogWriter.MAX_LINE));
                    } else {
                        write(name, buf, 0, len, true);
                        len = 0;
                    }
                }
            }
            return total;
        }

        void flush() throws IOException {
            if (len > 0) {
                write(name, buf, 0, len, false); // the stream ended: the line is complete
                len = 0;
            }
        }
    }
}
