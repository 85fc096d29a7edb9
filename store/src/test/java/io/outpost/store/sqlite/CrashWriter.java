package io.outpost.store.sqlite;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;

/**
 * The child process of {@link SqliteCrashTest}: writes to a SQLite store as fast as it can from
 * several threads until it is killed, and records each acknowledged write in an ack file, one line
 * each, with one write(2), only after the store returned it (a file, not a pipe: what reached the
 * kernel survives the SIGKILL, while a pipe's last bytes can be lost to the parent's reader):
 *
 * <pre>
 * C key revision           a create of key (its value is {@link #valueOf(String)})
 * U key revision counter   an update of a thread's counter key to the given count
 * E message                a write failed: the store must not fail while it is healthy
 * </pre>
 *
 * It prints READY on stdout once the store is open. Arguments: the database file, the ack file, a
 * run id (keys are {@code /crash/RUN/...}), the number of threads.
 */
public final class CrashWriter {

    private static final ReentrantLock OUT = new ReentrantLock();
    private static FileOutputStream acks;

    private CrashWriter() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        Path file = Path.of(args[0]);
        acks = new FileOutputStream(args[1], true);
        String run = args[2];
        int threads = Integer.parseInt(args[3]);
        SqliteKvStore store = SqliteKvStore.open(SqliteConfig.defaults(file).withCompaction(CompactionPolicy.DISABLED));
        System.out.println("READY");
        System.out.flush();
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            String prefix = "/crash/" + run + "/t" + t + "/";
            writers[t] = Thread.ofPlatform().start(() -> {
                try {
                    write(store, prefix);
                } catch (RuntimeException | AssertionError e) {
                    report("E " + e);
                }
            });
        }
        for (Thread w : writers) {
            w.join();
        }
    }

    private static void write(SqliteKvStore store, String prefix) {
        String counterKey = prefix + "counter";
        KeyValue counter = store.create(counterKey, "0".getBytes(StandardCharsets.UTF_8));
        report("U " + counterKey + " " + counter.modRevision() + " 0");
        for (long n = 0; ; n++) {
            String key = prefix + "k" + n;
            KeyValue kv = store.create(key, valueOf(key));
            report("C " + key + " " + kv.modRevision());
            try {
                long next = n + 1;
                counter = store.update(counterKey, Long.toString(next).getBytes(StandardCharsets.UTF_8),
                        counter.modRevision());
                report("U " + counterKey + " " + counter.modRevision() + " " + next);
            } catch (StoreException e) {
                throw new AssertionError("only this thread writes " + counterKey, e);
            }
        }
    }

    /** The value written to {@code key}: its name repeated to about 1 KB, so a torn value shows. */
    static byte[] valueOf(String key) {
        return (key + ";").repeat(1024 / (key.length() + 1) + 1).getBytes(StandardCharsets.UTF_8);
    }

    private static void report(String line) {
        OUT.lock();
        try {
            acks.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            OUT.unlock();
        }
    }
}
